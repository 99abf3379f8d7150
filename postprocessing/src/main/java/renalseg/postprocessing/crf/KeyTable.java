package renalseg.postprocessing.crf;

import java.util.Arrays;

/** The lattice vertices of a {@link PermutohedralLattice}: an open-addressing hash set of integer keys of
 * length d; values are insertion indices. */
final class KeyTable {
    private final int d;
    int[] keys;
    private int[] slots;
    /** Each slot's key hash: a probe compares keys only when the hashes match (no random read of keys). */
    private int[] slotHash;
    private int size;

    KeyTable(int d, int expected) {
        this.d = d;
        int cap = Integer.highestOneBit(Math.max(16, expected) * 2);
        slots = new int[cap];
        slotHash = new int[cap];
        Arrays.fill(slots, -1);
        keys = new int[Math.max(16, expected) * d];
    }

    int size() {
        return size;
    }

    private static int hash(int[] k, int off, int d) {
        int h = 0;
        for (int i = 0; i < d; i++) {
            h = (h + k[off + i]) * 0x9E3779B1;
            h ^= h >>> 15;
        }
        return h;
    }

    int insert(int[] key, int off) {
        if ((size + 1) * 2 > slots.length) {
            grow();
        }
        int mask = slots.length - 1;
        int h = hash(key, off, d);
        int s = h & mask;
        while (true) {
            int e = slots[s];
            if (e < 0) {
                if ((size + 1) * d > keys.length) {
                    keys = Arrays.copyOf(keys, Math.max(keys.length * 2, (size + 1) * d));
                }
                System.arraycopy(key, off, keys, size * d, d);
                slots[s] = size;
                slotHash[s] = h;
                return size++;
            }
            if (slotHash[s] == h && equal(e, key, off)) {
                return e;
            }
            s = (s + 1) & mask;
        }
    }

    int find(int[] key, int off) {
        int mask = slots.length - 1;
        int h = hash(key, off, d);
        int s = h & mask;
        while (true) {
            int e = slots[s];
            if (e < 0) {
                return -1;
            }
            if (slotHash[s] == h && equal(e, key, off)) {
                return e;
            }
            s = (s + 1) & mask;
        }
    }

    private boolean equal(int e, int[] key, int koff) {
        int off = e * d;
        for (int i = 0; i < d; i++) {
            if (keys[off + i] != key[koff + i]) {
                return false;
            }
        }
        return true;
    }

    private void grow() {
        int[] old = slots;
        int[] oldHash = slotHash;
        slots = new int[old.length * 2];
        slotHash = new int[old.length * 2];
        Arrays.fill(slots, -1);
        int mask = slots.length - 1;
        for (int i = 0; i < old.length; i++) {
            int e = old[i];
            if (e < 0) {
                continue;
            }
            int s = oldHash[i] & mask;
            while (slots[s] >= 0) {
                s = (s + 1) & mask;
            }
            slots[s] = e;
            slotHash[s] = oldHash[i];
        }
    }
}

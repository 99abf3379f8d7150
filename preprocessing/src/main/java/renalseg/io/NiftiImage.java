package renalseg.io;

import renalseg.volume.ImageVolume;

/** A NIfTI file read as an image: its header and its scaled voxel values on the header's geometry. */
public record NiftiImage(NiftiHeader header, ImageVolume volume) implements java.io.Serializable {
}

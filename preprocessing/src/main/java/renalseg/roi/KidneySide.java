package renalseg.roi;

/** The patient's side of a kidney (patient left = smaller world x in RAS). */
public enum KidneySide {
    LEFT, RIGHT;

    public String lower() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}

public enum NodePlaceholder {}

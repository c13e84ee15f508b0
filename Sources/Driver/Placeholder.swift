public enum DriverPlaceholder {}

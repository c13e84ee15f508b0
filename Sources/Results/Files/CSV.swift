import Foundation

/// Writes CSV: fields with a comma, quote or line break are quoted, quotes doubled.
public enum CSV {
    public static func line(_ fields: [String]) -> String {
        fields.map { field in
            guard field.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return field }
            return "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        }.joined(separator: ",")
    }

    /// A number as the shortest text that reads back to the same Double, so files recompute exactly.
    public static func number(_ value: Double) -> String {
        value.isFinite ? "\(value)" : ""
    }
}

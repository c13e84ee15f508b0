/// Reading and writing sizes in the benchmark file's form: bytes, or a number and a unit (`2MiB`).
package enum ByteCount {
    /// The accepted form, quoted in error messages.
    public static let acceptedForm =
        "a non-negative integer of bytes, or a number followed by B, KB, MB, GB, KiB, MiB or GiB (e.g. 2MiB, 512KB)"

    /// The units in the file with their size in bytes, longest suffix first so `KiB` wins over `B`.
    package static let units: [(suffix: String, bytes: Int128)] = [
        ("KiB", 1 << 10), ("MiB", 1 << 20), ("GiB", 1 << 30),
        ("KB", 1_000), ("MB", 1_000_000), ("GB", 1_000_000_000),
        ("B", 1),
    ]

    /// Parses a size with a unit, such as `2MiB`, `512KB`, `1.5KiB` or `100B`.
    ///
    /// Returns nil when the text is malformed, the result is not a whole number of bytes,
    /// or it does not fit in an `Int`. Bare integers are handled by the caller (they are YAML ints).
    public static func parse(_ text: String) -> Int? {
        guard let unit = units.first(where: { text.hasSuffix($0.suffix) }) else { return nil }
        let number = text.dropLast(unit.suffix.count)
        guard let (mantissa, fractionDigits) = DecimalText.parse(number) else { return nil }
        let scaled = mantissa.multipliedReportingOverflow(by: unit.bytes)
        guard !scaled.overflow else { return nil }
        var divisor: Int128 = 1
        for _ in 0..<fractionDigits { divisor *= 10 }
        guard scaled.partialValue % divisor == 0 else { return nil }
        return Int(exactly: scaled.partialValue / divisor)
    }

    /// A compact text: the largest unit that divides the size exactly (decimal before binary), e.g. `2MiB`.
    public static func text(bytes: Int) -> String {
        let preferred: [(suffix: String, bytes: Int)] = [
            ("GB", 1_000_000_000), ("GiB", 1 << 30), ("MB", 1_000_000), ("MiB", 1 << 20),
            ("KB", 1_000), ("KiB", 1 << 10),
        ]
        guard bytes != 0, let unit = preferred.first(where: { bytes % $0.bytes == 0 }) else { return "\(bytes)B" }
        return "\(bytes / unit.bytes)\(unit.suffix)"
    }
}

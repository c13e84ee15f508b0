/// Reading and writing durations in the benchmark file's form: a number and a unit, `250ms`, `1.5s`.
extension Duration {
    /// The accepted form, quoted in error messages.
    public static let acceptedBenchmarkForm =
        "a number immediately followed by a unit among ns, us, ms, s, m, h (e.g. 250ms, 1.5s, 1m)"

    /// The units in the file, largest first, with their length in attoseconds.
    package static let benchmarkUnits: [(suffix: String, attoseconds: Int128)] = [
        ("h", 3_600_000_000_000_000_000_000),
        ("m", 60_000_000_000_000_000_000),
        ("s", 1_000_000_000_000_000_000),
        ("ms", 1_000_000_000_000_000),
        ("us", 1_000_000_000_000),
        ("ns", 1_000_000_000),
    ]

    /// Parses a non-negative duration such as `250ms`, `2s`, `1.5s` or `1m`; nil for anything else.
    ///
    /// Spaces, signs, missing units and spelled-out units (`5 seconds`, `5sec`) are rejected.
    /// Fractions finer than a nanosecond are truncated.
    public init?(benchmarkText text: String) {
        let digits = text.prefix { $0.isASCII && ($0.isNumber || $0 == ".") }
        let suffix = String(text.dropFirst(digits.count))
        guard let unit = Self.benchmarkUnits.first(where: { $0.suffix == suffix }),
              let (mantissa, fractionDigits) = DecimalText.parse(digits) else { return nil }
        let scaled = mantissa.multipliedReportingOverflow(by: unit.attoseconds)
        guard !scaled.overflow else { return nil }
        var divisor: Int128 = 1
        for _ in 0..<fractionDigits { divisor *= 10 }
        let attoseconds = scaled.partialValue / divisor
        let nanosecond: Int128 = 1_000_000_000
        self.init(attoseconds: attoseconds / nanosecond * nanosecond)
    }

    /// A compact text in the file's form: the largest unit not above the value, e.g. `250ms`, `1.5s`.
    public var benchmarkText: String {
        let total = attoseconds
        if total == 0 { return "0s" }
        let magnitude = total < 0 ? -total : total
        let unit = Self.benchmarkUnits.first { magnitude >= $0.attoseconds } ?? Self.benchmarkUnits.last!
        let whole = total / unit.attoseconds
        let remainder = magnitude % unit.attoseconds
        guard remainder != 0 else { return "\(whole)\(unit.suffix)" }
        // Three decimals are enough for a summary; trailing zeros are dropped.
        let thousandths = remainder * 1000 / unit.attoseconds
        var fraction = String(Int(thousandths))
        fraction = String(repeating: "0", count: 3 - fraction.count) + fraction
        while fraction.hasSuffix("0") { fraction.removeLast() }
        let sign = total < 0 && whole == 0 ? "-" : ""
        return fraction.isEmpty ? "\(sign)\(whole)\(unit.suffix)" : "\(sign)\(whole).\(fraction)\(unit.suffix)"
    }
}

/// Parses the plain decimal numbers used by durations and sizes: `12`, `1.5`, `0.25`.
package enum DecimalText {
    /// The digits as an integer mantissa and the count of digits after the point; nil if malformed.
    package static func parse(_ text: Substring) -> (mantissa: Int128, fractionDigits: Int)? {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count),
              let integerPart = parts.first, !integerPart.isEmpty,
              parts.allSatisfy({ $0.allSatisfy { $0.isASCII && $0.isNumber } }) else { return nil }
        let fractionPart = parts.count == 2 ? parts[1] : ""
        guard parts.count == 1 || !fractionPart.isEmpty,
              integerPart.count + fractionPart.count <= 30 else { return nil }
        guard let mantissa = Int128(String(integerPart) + String(fractionPart)) else { return nil }
        return (mantissa, fractionPart.count)
    }
}

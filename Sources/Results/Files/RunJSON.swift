public import Foundation

/// How run.json files are written and read: one place for the encoding every run.json uses
/// (benchmark runs and capacity plans), so the reader and the writers cannot drift apart.
public enum RunJSON {
    /// Non-finite figures are written as strings, since JSON has no NaN or infinity.
    private static let nonFinite = (positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")

    /// Pretty-printed JSON with sorted keys.
    public static func encode(_ value: some Encodable) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(
            positiveInfinity: nonFinite.positiveInfinity, negativeInfinity: nonFinite.negativeInfinity, nan: nonFinite.nan)
        return try encoder.encode(value)
    }

    /// Reads what `encode` wrote.
    public static func decode<Value: Decodable>(_ type: Value.Type, from data: Data) throws -> Value {
        let decoder = JSONDecoder()
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(
            positiveInfinity: nonFinite.positiveInfinity, negativeInfinity: nonFinite.negativeInfinity, nan: nonFinite.nan)
        return try decoder.decode(type, from: data)
    }
}

public import LedgerPrimitives
extension ContractOutput: CanonicalCodable {
    public func encode(to writer: inout CanonicalWriter) {
        switch self {
        case .none:
            writer.write(UInt8(0))
        case .balance(let balance):
            writer.write(UInt8(1))
            writer.write(balance)
        case .recordCount(let count):
            writer.write(UInt8(2))
            writer.write(count)
        case .auditTrail(let entries):
            writer.write(UInt8(3))
            writer.write(entries)
        case .treatment(let id):
            writer.write(UInt8(4))
            writer.write(id)
        case .bankBalances(let checking, let savings):
            writer.write(UInt8(5))
            writer.write(UInt64(bitPattern: checking))
            writer.write(UInt64(bitPattern: savings))
        }
    }

    public init(from reader: inout CanonicalReader) throws(CodecError) {
        switch try reader.readUInt8("output") {
        case 0: self = .none
        case 1: self = .balance(try reader.readUInt64("output.balance"))
        case 2: self = .recordCount(try reader.readUInt64("output.recordCount"))
        case 3: self = .auditTrail(try reader.readArray("output.auditTrail", limit: ClinicalRules.maximumAuditEntriesListed))
        case 4: self = .treatment(try reader.readHash("output.treatment"))
        case 5: self = .bankBalances(checking: Int64(bitPattern: try reader.readUInt64("output.checking")),
                                     savings: Int64(bitPattern: try reader.readUInt64("output.savings")))
        case let tag: throw .unknownTag(field: "output", tag: tag)
        }
    }
}

extension ContractError: CanonicalCodable {
    public func encode(to writer: inout CanonicalWriter) { writer.write(rawValue) }

    public init(from reader: inout CanonicalReader) throws(CodecError) {
        let code = try reader.readUInt16("contractError")
        guard let error = ContractError(rawValue: code) else {
            throw .invalidValue(field: "contractError", reason: "unknown code \(code)")
        }
        self = error
    }
}

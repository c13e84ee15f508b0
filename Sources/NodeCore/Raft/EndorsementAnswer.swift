public import Contracts
public import LedgerCore
public import LedgerPrimitives

/// An endorsing peer's answer to a proposal.
public enum EndorsementAnswer: Sendable, Hashable, CanonicalCodable {
    /// Simulated and signed.
    case endorsed(SimulationResult, Endorsement)
    /// The contract refused the call on this peer's state.
    case refused(ContractError)
    /// The proposal's signature does not verify (or it already carries an execution).
    case badSignature
    /// A transaction with this id is already on this peer's chain.
    case duplicateTxId
    /// This peer does not endorse (order-execute, or its key is not in the genesis list).
    case notAnEndorser
    /// This peer had not reached the height the client asked for in time (or too many waited).
    case behind(height: UInt64)

    public func encode(to writer: inout CanonicalWriter) {
        switch self {
        case .endorsed(let result, let endorsement):
            writer.write(UInt8(1))
            writer.write(result)
            writer.write(endorsement)
        case .refused(let error):
            writer.write(UInt8(2))
            writer.write(error)
        case .badSignature:
            writer.write(UInt8(3))
        case .duplicateTxId:
            writer.write(UInt8(4))
        case .notAnEndorser:
            writer.write(UInt8(5))
        case .behind(let height):
            writer.write(UInt8(6))
            writer.write(height)
        }
    }

    public init(from reader: inout CanonicalReader) throws(CodecError) {
        switch try reader.readUInt8("endorsementAnswer") {
        case 1: self = .endorsed(try reader.read(), try reader.read())
        case 2: self = .refused(try reader.read())
        case 3: self = .badSignature
        case 4: self = .duplicateTxId
        case 5: self = .notAnEndorser
        case 6: self = .behind(height: try reader.readUInt64("endorsementAnswer.height"))
        case let tag: throw .unknownTag(field: "endorsementAnswer", tag: tag)
        }
    }
}

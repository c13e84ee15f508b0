/// A call of a contract function with its arguments: what a transaction asks the ledger to do.
public import LedgerPrimitives
public enum ContractCall: Sendable, Hashable, CanonicalCodable {
    case simple(SimpleCall)
    case clinical(ClinicalCall)
    case smallbank(SmallbankCall)

    /// The contract's name, as benchmark files and reports spell it.
    public var contractName: String {
        switch self {
        case .simple: "simple"
        case .clinical: "clinical"
        case .smallbank: "smallbank"
        }
    }

    /// The function's name, as reports spell it.
    public var functionName: String {
        switch self {
        case .simple(let call): call.functionName
        case .clinical(let call): call.functionName
        case .smallbank(let call): call.functionName
        }
    }

    /// True for calls that change nothing, which a peer may answer without ordering them.
    public var isReadOnly: Bool {
        switch self {
        case .simple(let call): call.isReadOnly
        case .clinical(let call): call.isReadOnly
        case .smallbank(let call): call.isReadOnly
        }
    }

    public func encode(to writer: inout CanonicalWriter) {
        switch self {
        case .simple(let call):
            writer.write(UInt8(1))
            writer.write(call)
        case .clinical(let call):
            writer.write(UInt8(2))
            writer.write(call)
        case .smallbank(let call):
            writer.write(UInt8(3))
            writer.write(call)
        }
    }

    public init(from reader: inout CanonicalReader) throws(CodecError) {
        switch try reader.readUInt8("call.contract") {
        case 1: self = .simple(try reader.read())
        case 2: self = .clinical(try reader.read())
        case 3: self = .smallbank(try reader.read())
        case let tag: throw .unknownTag(field: "call.contract", tag: tag)
        }
    }
}

/// The functions of Caliper's `simple` chaincode: accounts holding money under a name.
public enum SimpleCall: Sendable, Hashable, CanonicalCodable {
    /// Creates `account` with `money`; fails if it exists.
    case open(account: String, money: UInt64)
    /// Reads the balance of `account`; fails if it is missing.
    case query(account: String)
    /// Moves `amount` from one account to another; fails on a missing account or insufficient funds.
    case transfer(from: String, to: String, amount: UInt64)
    /// Removes `account`; fails if it is missing.
    case delete(account: String)

    /// The longest account name accepted, in UTF-8 bytes.
    public static let maximumAccountNameLength = 64

    public var functionName: String {
        switch self {
        case .open: "open"
        case .query: "query"
        case .transfer: "transfer"
        case .delete: "delete"
        }
    }

    public var isReadOnly: Bool {
        if case .query = self { return true }
        return false
    }

    public func encode(to writer: inout CanonicalWriter) {
        switch self {
        case .open(let account, let money):
            writer.write(UInt8(1))
            writer.write(account)
            writer.write(money)
        case .query(let account):
            writer.write(UInt8(2))
            writer.write(account)
        case .transfer(let from, let to, let amount):
            writer.write(UInt8(3))
            writer.write(from)
            writer.write(to)
            writer.write(amount)
        case .delete(let account):
            writer.write(UInt8(4))
            writer.write(account)
        }
    }

    public init(from reader: inout CanonicalReader) throws(CodecError) {
        let limit = Self.maximumAccountNameLength
        switch try reader.readUInt8("simple.function") {
        case 1:
            self = .open(account: try reader.readString("simple.open.account", limit: limit),
                         money: try reader.readUInt64("simple.open.money"))
        case 2:
            self = .query(account: try reader.readString("simple.query.account", limit: limit))
        case 3:
            self = .transfer(from: try reader.readString("simple.transfer.from", limit: limit),
                             to: try reader.readString("simple.transfer.to", limit: limit),
                             amount: try reader.readUInt64("simple.transfer.amount"))
        case 4:
            self = .delete(account: try reader.readString("simple.delete.account", limit: limit))
        case let tag:
            throw .unknownTag(field: "simple.function", tag: tag)
        }
    }
}

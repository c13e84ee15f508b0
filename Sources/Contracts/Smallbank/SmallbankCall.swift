/// The functions of the Smallbank contract (Caliper's and BLOCKBENCH's bank benchmark): customers
/// with a checking and a savings balance.
///
/// Balances are signed: payments and checks may overdraw checking, as in Caliper's chaincode.
public import LedgerPrimitives
public enum SmallbankCall: Sendable, Hashable, CanonicalCodable {
    /// Creates a customer with both balances (Caliper's `create_account`); fails if it exists.
    case createAccount(customer: String, name: String, checking: Int64, savings: Int64)
    /// Adds to savings (`transact_savings`, BLOCKBENCH's `updateSaving`).
    case transactSavings(customer: String, amount: UInt64)
    /// Deposits into checking (`deposit_checking`, BLOCKBENCH's `updateBalance`).
    case depositChecking(customer: String, amount: UInt64)
    /// Moves money from one customer's checking to another's (`send_payment`, `sendPayment`).
    case sendPayment(source: String, destination: String, amount: UInt64)
    /// Cashes a check against checking (`write_check`, `writeCheck`).
    case writeCheck(customer: String, amount: UInt64)
    /// Moves the source's savings into the destination's checking (`amalgamate`).
    case amalgamate(source: String, destination: String)
    /// Reads both balances (`query`, BLOCKBENCH's `getBalance`); changes nothing.
    case balance(customer: String)

    /// The longest customer id and name accepted, in UTF-8 bytes.
    public static let maximumTextLength = 64

    public var functionName: String {
        switch self {
        case .createAccount: "createAccount"
        case .transactSavings: "transactSavings"
        case .depositChecking: "depositChecking"
        case .sendPayment: "sendPayment"
        case .writeCheck: "writeCheck"
        case .amalgamate: "amalgamate"
        case .balance: "balance"
        }
    }

    public var isReadOnly: Bool {
        if case .balance = self { return true }
        return false
    }

    public func encode(to writer: inout CanonicalWriter) {
        switch self {
        case .createAccount(let customer, let name, let checking, let savings):
            writer.write(UInt8(1))
            writer.write(customer)
            writer.write(name)
            writer.write(UInt64(bitPattern: checking))
            writer.write(UInt64(bitPattern: savings))
        case .transactSavings(let customer, let amount):
            writer.write(UInt8(2))
            writer.write(customer)
            writer.write(amount)
        case .depositChecking(let customer, let amount):
            writer.write(UInt8(3))
            writer.write(customer)
            writer.write(amount)
        case .sendPayment(let source, let destination, let amount):
            writer.write(UInt8(4))
            writer.write(source)
            writer.write(destination)
            writer.write(amount)
        case .writeCheck(let customer, let amount):
            writer.write(UInt8(5))
            writer.write(customer)
            writer.write(amount)
        case .amalgamate(let source, let destination):
            writer.write(UInt8(6))
            writer.write(source)
            writer.write(destination)
        case .balance(let customer):
            writer.write(UInt8(7))
            writer.write(customer)
        }
    }

    public init(from reader: inout CanonicalReader) throws(CodecError) {
        let limit = Self.maximumTextLength
        switch try reader.readUInt8("smallbank.function") {
        case 1:
            self = .createAccount(customer: try reader.readString("smallbank.createAccount.customer", limit: limit),
                                  name: try reader.readString("smallbank.createAccount.name", limit: limit),
                                  checking: Int64(bitPattern: try reader.readUInt64("smallbank.createAccount.checking")),
                                  savings: Int64(bitPattern: try reader.readUInt64("smallbank.createAccount.savings")))
        case 2:
            self = .transactSavings(customer: try reader.readString("smallbank.transactSavings.customer", limit: limit),
                                    amount: try reader.readUInt64("smallbank.transactSavings.amount"))
        case 3:
            self = .depositChecking(customer: try reader.readString("smallbank.depositChecking.customer", limit: limit),
                                    amount: try reader.readUInt64("smallbank.depositChecking.amount"))
        case 4:
            self = .sendPayment(source: try reader.readString("smallbank.sendPayment.source", limit: limit),
                                destination: try reader.readString("smallbank.sendPayment.destination", limit: limit),
                                amount: try reader.readUInt64("smallbank.sendPayment.amount"))
        case 5:
            self = .writeCheck(customer: try reader.readString("smallbank.writeCheck.customer", limit: limit),
                               amount: try reader.readUInt64("smallbank.writeCheck.amount"))
        case 6:
            self = .amalgamate(source: try reader.readString("smallbank.amalgamate.source", limit: limit),
                               destination: try reader.readString("smallbank.amalgamate.destination", limit: limit))
        case 7:
            self = .balance(customer: try reader.readString("smallbank.balance.customer", limit: limit))
        case let tag:
            throw .unknownTag(field: "smallbank.function", tag: tag)
        }
    }
}

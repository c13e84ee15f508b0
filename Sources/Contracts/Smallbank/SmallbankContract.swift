/// The Smallbank contract as Caliper's chaincode runs it: one state entry per customer holding its
/// name, checking and savings, so two operations on one customer conflict under
/// execute-order-validate as they do on Fabric.
///
/// The rules are Caliper's, which drop the original benchmark's funds checks: a payment or a
/// check may overdraw checking (balances are signed), amalgamate moves the source's savings into
/// the destination's checking. vernier refuses what Caliper's chaincode does silently: creating a
/// customer that exists (Caliper overwrites it) and a payment or amalgamate of a customer with
/// itself (Caliper's writes would collide).
import LedgerPrimitives
enum SmallbankContract {
    static func execute(
        _ call: SmallbankCall, in context: ExecutionContext, state: inout StateView
    ) throws(ContractError) -> ContractOutput {
        switch call {
        case .createAccount(let customer, let name, let checking, let savings):
            let key = try accountKey(customer)
            guard !state.contains(key) else { throw .customerExists }
            guard name.utf8.count <= SmallbankCall.maximumTextLength else { throw .invalidCustomer }
            state.setRecord(key, SmallbankAccount(name: name, checking: checking, savings: savings))
            return .none
        case .transactSavings(let customer, let amount):
            var account = try load(customer, from: state)
            account.savings = try adding(account.savings, amount)
            try save(account, of: customer, to: &state)
            return .none
        case .depositChecking(let customer, let amount):
            var account = try load(customer, from: state)
            account.checking = try adding(account.checking, amount)
            try save(account, of: customer, to: &state)
            return .none
        case .sendPayment(let source, let destination, let amount):
            guard source != destination else { throw .sameCustomer }
            var sourceAccount = try load(source, from: state)
            var destinationAccount = try load(destination, from: state)
            sourceAccount.checking = try subtracting(sourceAccount.checking, amount)
            destinationAccount.checking = try adding(destinationAccount.checking, amount)
            try save(sourceAccount, of: source, to: &state)
            try save(destinationAccount, of: destination, to: &state)
            return .none
        case .writeCheck(let customer, let amount):
            var account = try load(customer, from: state)
            account.checking = try subtracting(account.checking, amount)
            try save(account, of: customer, to: &state)
            return .none
        case .amalgamate(let source, let destination):
            guard source != destination else { throw .sameCustomer }
            var sourceAccount = try load(source, from: state)
            var destinationAccount = try load(destination, from: state)
            let (credited, overflow) = destinationAccount.checking.addingReportingOverflow(sourceAccount.savings)
            guard !overflow else { throw .smallbankBalanceOutOfRange }
            destinationAccount.checking = credited
            sourceAccount.savings = 0
            try save(sourceAccount, of: source, to: &state)
            try save(destinationAccount, of: destination, to: &state)
            return .none
        case .balance(let customer):
            let account = try load(customer, from: state)
            return .bankBalances(checking: account.checking, savings: account.savings)
        }
    }

    private static func accountKey(_ customer: String) throws(ContractError) -> StateKey {
        guard !customer.isEmpty, customer.utf8.count <= SmallbankCall.maximumTextLength else { throw .invalidCustomer }
        return StateKey(.smallbankAccount, Array(customer.utf8))
    }

    private static func load(_ customer: String, from state: StateView) throws(ContractError) -> SmallbankAccount {
        guard let account = state.record(try accountKey(customer), as: SmallbankAccount.self) else { throw .customerMissing }
        return account
    }

    private static func save(_ account: SmallbankAccount, of customer: String, to state: inout StateView) throws(ContractError) {
        state.setRecord(try accountKey(customer), account)
    }

    private static func adding(_ balance: Int64, _ amount: UInt64) throws(ContractError) -> Int64 {
        guard let amount = Int64(exactly: amount) else { throw .smallbankBalanceOutOfRange }
        let (sum, overflow) = balance.addingReportingOverflow(amount)
        guard !overflow else { throw .smallbankBalanceOutOfRange }
        return sum
    }

    private static func subtracting(_ balance: Int64, _ amount: UInt64) throws(ContractError) -> Int64 {
        guard let amount = Int64(exactly: amount) else { throw .smallbankBalanceOutOfRange }
        let (difference, overflow) = balance.subtractingReportingOverflow(amount)
        guard !overflow else { throw .smallbankBalanceOutOfRange }
        return difference
    }
}

/// A Smallbank customer's entry in the world state.
struct SmallbankAccount: CanonicalCodable, Equatable {
    var name: String
    var checking: Int64
    var savings: Int64

    func encode(to writer: inout CanonicalWriter) {
        writer.write(name)
        writer.write(UInt64(bitPattern: checking))
        writer.write(UInt64(bitPattern: savings))
    }

    init(name: String, checking: Int64, savings: Int64) {
        self.name = name
        self.checking = checking
        self.savings = savings
    }

    init(from reader: inout CanonicalReader) throws(CodecError) {
        name = try reader.readString("smallbankAccount.name", limit: SmallbankCall.maximumTextLength)
        checking = Int64(bitPattern: try reader.readUInt64("smallbankAccount.checking"))
        savings = Int64(bitPattern: try reader.readUInt64("smallbankAccount.savings"))
    }
}

/// Caliper's `simple` chaincode: named accounts holding money.
enum SimpleContract {
    static func execute(
        _ call: SimpleCall, in context: ExecutionContext, state: inout StateView
    ) throws(ContractError) -> ContractOutput {
        switch call {
        case .open(let account, let money):
            let key = try accountKey(account)
            guard !state.contains(key) else { throw .accountExists }
            state.setUInt64(key, money)
            return .none
        case .query(let account):
            return .balance(try balance(of: account, in: state))
        case .transfer(let from, let to, let amount):
            let fromBalance = try balance(of: from, in: state)
            let toBalance = try balance(of: to, in: state)
            guard fromBalance >= amount else { throw .insufficientFunds }
            if from == to { return .none }
            let (credited, overflow) = toBalance.addingReportingOverflow(amount)
            guard !overflow else { throw .balanceOverflow }
            state.setUInt64(try accountKey(from), fromBalance - amount)
            state.setUInt64(try accountKey(to), credited)
            return .none
        case .delete(let account):
            let key = try accountKey(account)
            guard state.contains(key) else { throw .accountMissing }
            state.remove(key)
            return .none
        }
    }

    private static func accountKey(_ account: String) throws(ContractError) -> StateKey {
        guard !account.isEmpty, account.utf8.count <= SimpleCall.maximumAccountNameLength else {
            throw .invalidAccountName
        }
        return StateKey(.simpleAccount, Array(account.utf8))
    }

    private static func balance(of account: String, in state: StateView) throws(ContractError) -> UInt64 {
        guard let balance = state.uint64(try accountKey(account)) else { throw .accountMissing }
        return balance
    }
}

public import LedgerCore

/// A ledger whose blocks are durable: state in memory, chain in a `BlockStore`, rebuilt on open.
public final class PersistentLedger {
    public private(set) var ledger: Ledger
    public let store: BlockStore
    /// What opening found and repaired.
    public let recovery: BlockStoreRecovery

    /// Opens (or creates) the store at `path` and replays its blocks into a fresh ledger.
    public init(path: String, genesis: GenesisConfiguration, options: BlockStoreOptions = BlockStoreOptions()) throws(BlockStoreError) {
        var ledger = Ledger(genesis: genesis)
        let (store, recovery) = try BlockStore.open(path: path, genesis: genesis, options: options) { block throws(BlockStoreError) in
            guard block.header.height > 0 else { return }
            do throws(ChainError) {
                try ledger.apply(block)
            } catch {
                throw .chain(path: path, error)
            }
        }
        self.ledger = ledger
        self.store = store
        self.recovery = recovery
    }

    /// Validates a block against the state, stores it (durably unless fsync is off), then
    /// applies it; returns each transaction's validation code.
    @discardableResult
    public func commit(_ block: Block, signatureVerdicts: [Bool]? = nil) throws(BlockStoreError) -> [ValidationCode] {
        var next = ledger
        let codes: [ValidationCode]
        do throws(ChainError) {
            codes = try next.apply(block, signatureVerdicts: signatureVerdicts)
        } catch {
            throw .chain(path: store.path, error)
        }
        try store.append(block)
        ledger = next
        return codes
    }
}

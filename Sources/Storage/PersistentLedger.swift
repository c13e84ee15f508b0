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

    /// Validates a block against the state and applies it, then stores it (durably unless fsync is
    /// off); returns each transaction's validation code. A block that does not extend the chain
    /// changes nothing. If storing fails the ledger in memory is ahead of the disk: this value
    /// refuses every later commit, and its node must stop.
    @discardableResult
    public func commit(_ block: Block, signatureVerdicts: [Bool]? = nil) throws(BlockStoreError) -> [ValidationCode] {
        if let failure { throw failure }
        let codes: [ValidationCode]
        do throws(ChainError) {
            // Applied in place: copying the ledger first would copy the whole world state per block.
            codes = try ledger.apply(block, signatureVerdicts: signatureVerdicts)
        } catch {
            throw .chain(path: store.path, error)
        }
        do {
            try store.append(block)
        } catch {
            failure = error
            throw error
        }
        return codes
    }

    /// The storage failure that stopped this ledger, if any.
    public private(set) var failure: BlockStoreError?
}

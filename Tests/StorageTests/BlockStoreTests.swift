import Foundation
import Testing
import TestSupport
@testable import LedgerCore
import LedgerPrimitives
@testable import Consensus
@testable import Storage

@Suite("Block store")
struct BlockStoreTests {
    let regulator = SigningAccount.deterministic(seed: 11, index: 0)
    let accounts = (1...4).map { SigningAccount.deterministic(seed: 11, index: UInt64($0)) }
    var genesis: GenesisConfiguration { GenesisConfiguration(chainId: "store-test", regulator: regulator.address) }

    /// Builds `count` blocks of `perBlock` simple.open transactions on top of genesis.
    func makeChain(count: Int, perBlock: Int = 3) throws -> [Block] {
        var ledger = Ledger(genesis: genesis)
        var nonces = [UInt64](repeating: 0, count: accounts.count)
        var blocks: [Block] = []
        for height in 1...count {
            let transactions = (0..<perBlock).map { slot -> Transaction in
                let owner = slot % accounts.count
                defer { nonces[owner] += 1 }
                return Transaction(signedBy: accounts[owner], nonce: nonces[owner],
                                   call: .simple(.open(account: "acc-\(height)-\(slot)", money: 100)))
            }
            let block = Block(height: UInt64(height), previousHash: ledger.headHash,
                              timestampMilliseconds: UInt64(height) * 1_000, seal: .raft(term: 1, index: UInt64(height)),
                              transactions: transactions)
            let codes = try ledger.apply(block)
            #expect(codes.allSatisfy { $0.isValid })
            blocks.append(block)
        }
        return blocks
    }

    @Test func appendReopenAndRead() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("chain.blocks")
        let blocks = try makeChain(count: 5)
        do {
            let (store, recovery) = try BlockStore.open(path: path, genesis: genesis)
            #expect(recovery == BlockStoreRecovery(blockCount: 1, truncatedBytes: 0))
            for block in blocks { try store.append(block) }
            #expect(store.blockCount == 6)
            #expect(store.syncCount >= 6)
            #expect(store.bytesWritten == UInt64(try FileManager.default.attributesOfItem(atPath: path)[.size] as! Int))
        }
        var replayed: [Block] = []
        let (store, recovery) = try BlockStore.open(path: path, genesis: genesis) { replayed.append($0) }
        #expect(recovery == BlockStoreRecovery(blockCount: 6, truncatedBytes: 0))
        #expect(replayed.map(\.hash) == [genesis.genesisBlock.hash] + blocks.map(\.hash))
        #expect(store.headHash == blocks.last!.hash)
        #expect(try store.block(at: 3) == blocks[2])
        #expect(store.bytesRead > 0)
        #expect(throws: BlockStoreError.noSuchHeight(6)) { try store.block(at: 6) }
    }

    /// The done-when of the foundation issue: a store cut at every byte offset of its last block
    /// reopens to the previous block with a valid chain, and takes the next block again.
    @Test func cutAtEveryOffsetOfTheLastBlockReopensToThePreviousBlock() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("chain.blocks")
        let blocks = try makeChain(count: 4)
        let (store, _) = try BlockStore.open(path: path, genesis: genesis)
        for block in blocks.dropLast() { try store.append(block) }
        let lastStart = Int(store.bytesWritten)
        try store.append(blocks.last!)
        let full = try Data(contentsOf: URL(fileURLWithPath: path))
        #expect(full.count > lastStart + 100)

        for cut in lastStart..<full.count {
            let copy = directory.file("cut-\(cut).blocks")
            try full.prefix(cut).write(to: URL(fileURLWithPath: copy))
            var heights: [UInt64] = []
            let (reopened, recovery) = try BlockStore.open(path: copy, genesis: genesis) { heights.append($0.header.height) }
            #expect(heights == [0, 1, 2, 3], "cut at \(cut)")
            #expect(recovery.truncatedBytes == cut - lastStart)
            #expect(reopened.headHash == blocks[2].hash)
            #expect(try FileManager.default.attributesOfItem(atPath: copy)[.size] as? Int == lastStart)
            try reopened.append(blocks.last!)
            #expect(reopened.blockCount == 5)
            try FileManager.default.removeItem(atPath: copy)
        }
    }

    @Test func damagedLastRecordIsTornButDamageInTheMiddleIsAnError() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("chain.blocks")
        let blocks = try makeChain(count: 3)
        let (store, _) = try BlockStore.open(path: path, genesis: genesis)
        var offsets: [Int] = []
        for block in blocks {
            offsets.append(Int(store.bytesWritten))
            try store.append(block)
        }
        let full = try Data(contentsOf: URL(fileURLWithPath: path))

        var tornTail = full
        tornTail[full.count - 5] ^= 0xFF
        let tornPath = directory.file("torn.blocks")
        try tornTail.write(to: URL(fileURLWithPath: tornPath))
        let (_, recovery) = try BlockStore.open(path: tornPath, genesis: genesis)
        #expect(recovery.blockCount == 3)

        var middle = full
        middle[offsets[1] + 40] ^= 0xFF
        let middlePath = directory.file("middle.blocks")
        try middle.write(to: URL(fileURLWithPath: middlePath))
        #expect(throws: BlockStoreError.corruptRecord(path: middlePath, offset: offsets[1], reason: "checksum mismatch")) {
            try BlockStore.open(path: middlePath, genesis: genesis)
        }
        // Nothing was cut: the damaged file is left for a person to inspect.
        #expect(try Data(contentsOf: URL(fileURLWithPath: middlePath)) == middle)
    }

    @Test func refusesForeignFilesAndForeignChains() throws {
        let directory = try TemporaryDirectory()
        let garbage = directory.file("garbage.blocks")
        try Data("not a block store at all".utf8).write(to: URL(fileURLWithPath: garbage))
        #expect(throws: BlockStoreError.notABlockStore(path: garbage)) { try BlockStore.open(path: garbage, genesis: genesis) }

        let path = directory.file("chain.blocks")
        _ = try BlockStore.open(path: path, genesis: genesis)
        let other = GenesisConfiguration(chainId: "another-federation", regulator: regulator.address)
        #expect(throws: BlockStoreError.chain(path: path, .genesisMismatch(expected: other.genesisBlock.hash,
                                                                           found: genesis.genesisBlock.hash))) {
            try BlockStore.open(path: path, genesis: other)
        }
    }

    @Test func appendChecksHeightAndLink() throws {
        let directory = try TemporaryDirectory()
        let blocks = try makeChain(count: 2)
        let (store, _) = try BlockStore.open(path: directory.file("chain.blocks"), genesis: genesis)
        #expect(throws: BlockStoreError.notNextBlock(expectedHeight: 1, found: 2)) { try store.append(blocks[1]) }
        let stranger = Block(height: 1, previousHash: Hash256.sha256([1]), timestampMilliseconds: 0,
                             seal: .store, transactions: [])
        #expect(throws: BlockStoreError.self) { try store.append(stranger) }
        try store.append(blocks[0])
        #expect(store.blockCount == 2)
    }

    @Test func fsyncOffSkipsSyncsButStillStores() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("chain.blocks")
        let (store, _) = try BlockStore.open(path: path, genesis: genesis, options: BlockStoreOptions(fsync: false))
        let syncsAfterCreate = store.syncCount
        for block in try makeChain(count: 3) { try store.append(block) }
        #expect(store.syncCount == syncsAfterCreate)
        #expect(try BlockStore.open(path: path, genesis: genesis).1.blockCount == 4)
    }

    @Test func persistentLedgerRebuildsStateOnOpen() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("ledger.blocks")
        let blocks = try makeChain(count: 4, perBlock: 5)
        let digest: Hash256
        do {
            let ledger = try PersistentLedger(path: path, genesis: genesis)
            for block in blocks { #expect(try ledger.commit(block).allSatisfy { $0.isValid }) }
            digest = ledger.ledger.state.digest
            // A block that does not extend the chain is refused and neither stored nor applied.
            #expect(throws: BlockStoreError.self) { try ledger.commit(blocks[0]) }
            #expect(ledger.ledger.state.digest == digest)
        }
        let reopened = try PersistentLedger(path: path, genesis: genesis)
        #expect(reopened.ledger.state.digest == digest)
        #expect(reopened.ledger.height == 4)
        #expect(reopened.ledger.nextNonce(of: accounts[0].address) == 8)  // slots 0 and 4 of each 5-slot block
        let balance = reopened.ledger.evaluate(.simple(.query(account: "acc-2-1")), sender: accounts[0].address, atMilliseconds: 0)
        #expect(balance == .success(.balance(100)))
    }

    @Test func crcMatchesTheStandardCheckValue() {
        #expect(CRC32C.checksum(Array("123456789".utf8)) == 0xE306_9283)
    }
}

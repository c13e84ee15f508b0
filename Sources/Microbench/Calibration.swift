import Transport
import Foundation
import Synchronization
import Contracts
import LedgerCore
import LedgerPrimitives
import Node
import Consensus
import Storage

/// Measures what bounds a ledger on this machine: signatures, the codec, hashing and durable appends.
///
/// Each measurement repeats its operation until `budget` has passed (at least `minimumOperations`
/// times) on one core, and reports operations per second of wall-clock time.
public struct Calibration: Sendable {
    /// One measured rate.
    public struct Measurement: Sendable, Codable, Hashable {
        public var name: String
        public var operations: Int
        public var seconds: Double
        public var unit: String
        public var perSecond: Double { seconds > 0 ? Double(operations) / seconds : 0 }
    }

    public var budget: Duration
    public var minimumOperations: Int
    /// Where the block-append measurement writes its temporary store.
    public var directory: String
    public var blockTransactions: Int

    public init(budget: Duration = .seconds(1), minimumOperations: Int = 20, directory: String, blockTransactions: Int = 500) {
        self.budget = budget
        self.minimumOperations = minimumOperations
        self.directory = directory
        self.blockTransactions = blockTransactions
    }

    /// P-256 verifications per second with the key decoded once, as peers verify, on `threads`
    /// threads at once for about half a second, summed: with one thread per core, the machine's
    /// signature-verification limit that `bench-ordering` compares against.
    public static func verificationRate(threads: Int = 1) -> Double {
        let account = SigningAccount.deterministic(seed: 1, index: 0)
        let transaction = Transaction(signedBy: account, nonce: 0, call: .simple(.open(account: "calibration", money: 1)))
        let rates = Mutex<[Double]>([])
        DispatchQueue.concurrentPerform(iterations: max(1, threads)) { _ in
            var verifier = SignatureVerifier()
            let clock = ContinuousClock()
            let start = clock.now
            var count = 0
            while count < 100 || clock.now - start < .milliseconds(500) {
                for _ in 0..<16 { precondition(verifier.isValid(transaction)) }
                count += 16
            }
            let rate = Double(count) / (clock.now - start).inSeconds
            rates.withLock { $0.append(rate) }
        }
        return rates.withLock { $0.reduce(0, +) }
    }

    /// Runs every measurement in turn.
    public func run() throws -> [Measurement] {
        let account = SigningAccount.deterministic(seed: 1, index: 0)
        let call = ContractCall.clinical(.registerTreatment(TreatmentRegistration(
            patient: Hash256.sha256(Array("patient".utf8)), diseaseCode: "E11.9", drugCode: "A10BA02",
            dosage: "500 mg twice a day", route: .oral, examDateMilliseconds: 0, documentHash: .zero)))
        let transaction = Transaction(signedBy: account, nonce: 0, call: call)
        let encoded = transaction.canonicalBytes

        var results: [Measurement] = []
        results.append(measure("P-256 signatures signed", unit: "sig") { _ in
            _ = account.sign(transaction.id)
        })
        results.append(measure("P-256 signatures verified", unit: "sig") { _ in
            precondition(transaction.hasValidSignature)
        })
        var verifier = SignatureVerifier()
        results.append(measure("P-256 signatures verified, key cached", unit: "sig") { _ in
            precondition(verifier.isValid(transaction))
        })
        results.append(measure("transactions encoded (\(encoded.count) B)", unit: "tx") { _ in
            _ = transaction.canonicalBytes
        })
        results.append(measure("transactions decoded (id, address)", unit: "tx") { _ in
            _ = try! Transaction(canonicalBytes: encoded)
        })
        let header = Array(repeating: UInt8(7), count: 125)
        results.append(measure("SHA-256 of a 125-byte header", unit: "hash") { _ in
            _ = Hash256.sha256(header)
        })
        results.append(measureApply(account: account))
        results.append(contentsOf: try measureAppends(account: account, call: call))
        return results
    }

    /// Applies blocks of `simple.open` calls to a ledger with signatures checked beforehand, so the
    /// figure is the nonce rule, the contract and the state alone.
    private func measureApply(account: SigningAccount) -> Measurement {
        let blockCount = 200
        // Signatures are not checked here, so the transactions need not be signed.
        let unsigned = [UInt8](repeating: 1, count: SigningAccount.signatureLength)
        var ledger = Ledger(genesis: GenesisConfiguration(chainId: "calibration", regulator: account.address))
        var blocks: [Block] = []
        var previousHash = ledger.headHash
        for height in 1...blockCount {
            let transactions = (0..<blockTransactions).map { slot in
                let nonce = UInt64((height - 1) * blockTransactions + slot)
                return Transaction(senderKey: account.publicKey, nonce: nonce,
                                   call: .simple(.open(account: "acc-\(nonce)", money: 100)), signature: unsigned)
            }
            let block = Block(height: UInt64(height), previousHash: previousHash, timestampMilliseconds: 0,
                              seal: .store, transactions: transactions)
            previousHash = block.hash
            blocks.append(block)
        }
        let verdicts = [Bool](repeating: true, count: blockTransactions)
        let clock = ContinuousClock()
        let start = clock.now
        for block in blocks {
            let codes = try! ledger.apply(block, signatureVerdicts: verdicts)
            precondition(codes.allSatisfy { $0.isValid }, "calibration transactions must all be valid")
        }
        return Measurement(name: "transactions applied (nonce, contract, state)", operations: blockCount * blockTransactions,
                           seconds: (clock.now - start).inSeconds, unit: "tx")
    }

    /// Appends blocks of `blockTransactions` signed transactions to a fresh store, with and without fsync.
    private func measureAppends(account: SigningAccount, call: ContractCall) throws -> [Measurement] {
        let genesis = GenesisConfiguration(chainId: "calibration", regulator: account.address)
        let transactions = (0..<blockTransactions).map { Transaction(signedBy: account, nonce: UInt64($0), call: call) }
        var results: [Measurement] = []
        for fsync in [true, false] {
            let path = directory + "/vernier-calibration-\(ProcessInfo.processInfo.processIdentifier)-\(fsync).blocks"
            try? FileManager.default.removeItem(atPath: path)
            defer { try? FileManager.default.removeItem(atPath: path) }
            let (store, _) = try BlockStore.open(path: path, genesis: genesis, options: BlockStoreOptions(fsync: fsync))
            var failure: BlockStoreError?
            let measurement = measure("blocks of \(blockTransactions) tx appended" + (fsync ? ", fsync'd" : ", no fsync"),
                                      unit: "block") { _ in
                let block = Block(height: UInt64(store.blockCount), previousHash: store.headHash,
                                  timestampMilliseconds: 0, seal: .store, transactions: transactions)
                do throws(BlockStoreError) { try store.append(block) } catch { failure = error }
            }
            if let failure { throw failure }
            results.append(measurement)
            let megabytes = Double(store.bytesWritten) / 1_048_576
            results.append(Measurement(name: "  of which bytes written", operations: Int(store.bytesWritten),
                                       seconds: measurement.seconds, unit: "B (\(String(format: "%.1f", megabytes)) MiB)"))
        }
        return results
    }

    private func measure(_ name: String, unit: String, _ operation: (Int) -> Void) -> Measurement {
        let clock = ContinuousClock()
        let start = clock.now
        var count = 0
        while count < minimumOperations || clock.now - start < budget {
            // Batches of 16 keep the clock out of the measured cost.
            for index in 0..<16 { operation(count + index) }
            count += 16
        }
        return Measurement(name: name, operations: count, seconds: (clock.now - start).inSeconds, unit: unit)
    }
}

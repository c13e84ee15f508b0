import Foundation
public import Contracts
public import LedgerCore
public import LedgerPrimitives
import Node
import Synchronization
public import BenchmarkSpec

/// Why a round's unmeasured preparation failed.
struct PreparationError: Error, CustomStringConvertible {
    public var round: String
    public var detail: String
    public var description: String { "round \(round): preparation failed: \(detail)" }
}

/// What a run's rounds share: the seed, the regulator, the facts preparation already established,
/// and the keys `simple` has opened.
public final class WorkloadContext: Sendable {
    public let seed: UInt64
    public let regulator: SigningAccount
    public let accounts: AccountPool
    /// Wall-clock time when the run started; permission windows and exam dates hang off it.
    public let startMilliseconds: UInt64
    private let state = Mutex(State())

    private struct State {
        var openedKeys = 0
        var createdCustomers = 0
        var prepared: Set<String> = []
        var nonces: [Address: UInt64] = [:]
        var treatments: [Int: Hash256] = [:]
        /// Ids preparation committed and the run has not taken yet (for the lost-commit check).
        var preparedIds: [Hash256] = []
    }

    /// The most preparation ids kept between two takes.
    static let maximumPreparedIds = 1_000_000

    /// Takes the ids of the transactions preparation committed since the last take.
    public func takePreparedIds() -> [Hash256] {
        state.withLock { state in
            defer { state.preparedIds = [] }
            return state.preparedIds
        }
    }

    func notePrepared(_ ids: [Hash256]) {
        state.withLock { state in
            state.preparedIds += ids.prefix(max(0, Self.maximumPreparedIds - state.preparedIds.count))
        }
    }

    public init(seed: UInt64, accounts: AccountPool, startMilliseconds: UInt64) {
        self.seed = seed
        regulator = SigningAccount.deterministic(seed: seed, index: 0)
        self.accounts = accounts
        self.startMilliseconds = startMilliseconds
    }

    /// A key of the `simple` contract: fixed width, numbered, never reused in a run.
    public static func simpleKey(_ number: Int) -> String { numbered("acct", number) }

    /// A Smallbank customer id: fixed width, numbered, never reused in a run.
    public static func smallbankCustomer(_ number: Int) -> String { numbered("cust", number) }

    /// `prefix` and `number` in ten digits.
    private static func numbered(_ prefix: String, _ number: Int) -> String {
        // Built by hand: Foundation's String(format:) costs microseconds on the hot path.
        let digits = String(number)
        return prefix + String(repeating: "0", count: max(0, 10 - digits.count)) + digits
    }

    /// Takes the next unused `simple` key number.
    func takeSimpleKey() -> Int {
        state.withLock { state in
            defer { state.openedKeys += 1 }
            return state.openedKeys
        }
    }

    var openedKeys: Int { state.withLock { $0.openedKeys } }

    /// Takes the next unused Smallbank customer number.
    func takeSmallbankCustomer() -> Int {
        state.withLock { state in
            defer { state.createdCustomers += 1 }
            return state.createdCustomers
        }
    }

    /// How many Smallbank customers the run has created (or sent to be created).
    var createdCustomers: Int { state.withLock { $0.createdCustomers } }

    /// An account that only preparation signs with (patients' controllers, extra doctors).
    func auxiliary(_ role: UInt64, _ index: Int) -> SigningAccount {
        SigningAccount.deterministic(seed: seed ^ 0xA0C1_11A2_0000_0000 ^ (role << 40), index: UInt64(index))
    }

    /// The pseudonym of prepared patient `index` (computed as a client would, from a secret).
    func patient(_ index: Int) -> Hash256 {
        Pseudonym.derive(secret: Array("vernier-\(seed)".utf8), identity: PatientIdentity(
            socialSecurityNumber: String(format: "%09d", index), birthDate: "1970-01-01",
            givenNames: "patient", familyName: "\(index)", postalCode: "00000"))
    }

    /// The pseudonym of the patient that pool account `index` controls (grant-permission).
    func poolPatient(_ index: Int) -> Hash256 { Hash256.sha256(Array("pool-patient-\(seed)-\(index)".utf8)) }

    func isPrepared(_ fact: String) -> Bool { state.withLock { $0.prepared.contains(fact) } }

    func markPrepared(_ facts: [String]) { state.withLock { $0.prepared.formUnion(facts) } }

    func treatment(ofPatient index: Int) -> Hash256? { state.withLock { $0.treatments[index] } }

    func recordTreatment(_ id: Hash256, patient: Int) { state.withLock { $0.treatments[patient] = id } }

    /// The next nonce a preparation signer uses, read once from the ledger, then counted here.
    func takeNonce(for signer: SigningAccount, target: any BenchmarkTarget) async -> UInt64 {
        if let nonce = state.withLock({ state -> UInt64? in
            guard let next = state.nonces[signer.address] else { return nil }
            state.nonces[signer.address] = next + 1
            return next
        }) { return nonce }
        let read = await target.nextNonce(of: signer.address) ?? 0
        return state.withLock { state in
            let next = max(read, state.nonces[signer.address] ?? 0)
            state.nonces[signer.address] = next + 1
            return next
        }
    }
}

/// The role a pool account plays in a clinical workload.
enum ClinicalRole: Hashable {
    case treatingDoctor, readingDoctor, patient, pharmacy

    var isDoctor: Bool { self == .treatingDoctor || self == .readingDoctor }
}

/// Builds a round's calls and prepares the ledger for them.
public struct WorkloadGenerator: Sendable {
    public let workload: Workload
    let context: WorkloadContext
    /// The number of extra doctors that preparation registers (grant-permission's grantees and the
    /// doctor who writes the treatments dispense needs).
    static let auxiliaryDoctors = 4
    static let diseaseCodes = ["E11.9", "I10", "J45.909", "M54.5", "J18.9", "C50.9", "K21.9", "F32.9"]
    /// What `noop` rounds sign: the target never looks at it.
    static let noopCall = ContractCall.simple(.query(account: WorkloadContext.simpleKey(0)))
    static let drugCodes = ["A10BA02", "C09AA05", "N02BE01", "J01CA04", "R03AC02", "C10AA05", "A02BC01", "N06AB06"]

    public init(workload: Workload, context: WorkloadContext) {
        self.workload = workload
        self.context = context
    }

    /// Whether the calls are queries a peer evaluates without ordering them.
    public var isQuery: Bool {
        switch workload {
        case .simpleQuery, .smallbankQuery: true
        default: false
        }
    }

    var patients: Int {
        switch workload {
        case .clinicalRegisterTreatment(let patients), .clinicalGrantPermission(let patients),
             .clinicalReadRecords(let patients), .clinicalDispense(let patients, _), .clinicalMix(let patients, _, _):
            patients
        default: 0
        }
    }

    /// The role of pool account `index` in this workload, if it is clinical.
    func role(of index: Int) -> ClinicalRole? {
        switch workload {
        case .clinicalRegisterTreatment: return .treatingDoctor
        case .clinicalReadRecords: return .readingDoctor
        case .clinicalGrantPermission: return .patient
        case .clinicalDispense: return .pharmacy
        case .clinicalMix(_, _, let weights):
            // Roles in proportion to the weights: a hospital's day of doctors, patients, pharmacies.
            let shares = [(ClinicalRole.treatingDoctor, weights.registerTreatment), (.patient, weights.grantPermission),
                          (.readingDoctor, weights.readRecords), (.pharmacy, weights.dispense)]
            let total = shares.reduce(0) { $0 + $1.1 }
            let position = (Double(index % 1000) + 0.5) / 1000 * total
            var cumulative = 0.0
            for (role, weight) in shares {
                cumulative += weight
                if position < cumulative { return role }
            }
            return shares.last { $0.1 > 0 }?.0
        default: return nil
        }
    }

    /// The call of transaction `index`, signed by pool account `account`.
    public func call(index: Int, account: Int) -> ContractCall {
        switch workload {
        case .simpleOpen(let arguments):
            return .simple(.open(account: WorkloadContext.simpleKey(context.takeSimpleKey()), money: UInt64(arguments.initialMoney)))
        case .simpleQuery(let arguments):
            return .simple(.query(account: WorkloadContext.simpleKey(pick(index, among: arguments.numberOfAccounts))))
        case .simpleTransfer(let arguments):
            let from = pick(index, among: arguments.numberOfAccounts)
            let to = (from + 1 + pick(index &* 31, among: max(1, arguments.numberOfAccounts - 1))) % max(1, min(arguments.numberOfAccounts, context.openedKeys))
            return .simple(.transfer(from: WorkloadContext.simpleKey(from), to: WorkloadContext.simpleKey(to),
                                     amount: UInt64(arguments.moneyToTransfer)))
        case .smallbankCreate(let arguments):
            return createCustomer(arguments)
        case .smallbankModify(let arguments):
            return smallbankOperation(index: index, arguments: arguments)
        case .smallbankQuery(let arguments):
            var draw = SmallbankDraw(seed: context.seed, index: index)
            return .smallbank(.balance(customer: WorkloadContext.smallbankCustomer(draw.customer(among: customers(arguments)))))
        case .smallbankOperations(let arguments):
            if index < arguments.accountsGenerated ?? 0 { return createCustomer(arguments) }
            return smallbankOperation(index: index, arguments: arguments)
        case .noop:
            return Self.noopCall
        default:
            return clinicalCall(index: index, account: account, role: role(of: account) ?? .treatingDoctor)
        }
    }

    /// A call that creates the next new Smallbank customer.
    private func createCustomer(_ arguments: SmallbankArguments) -> ContractCall {
        let number = context.takeSmallbankCustomer()
        return .smallbank(.createAccount(customer: WorkloadContext.smallbankCustomer(number), name: "customer \(number)",
                                         checking: arguments.initialChecking, savings: arguments.initialSavings))
    }

    /// How many customers the round's operations pick from: the first `accountsGenerated`
    /// created, or all created so far.
    private func customers(_ arguments: SmallbankArguments) -> Int {
        let created = context.createdCustomers
        return max(1, min(arguments.accountsGenerated ?? created, created))
    }

    /// One of Smallbank's operations, drawn by weight, on customers drawn uniformly (two
    /// different ones where it moves money between customers), with an amount from 1 through
    /// `maximumAmount`: Caliper's `modify`.
    private func smallbankOperation(index: Int, arguments: SmallbankArguments) -> ContractCall {
        var draw = SmallbankDraw(seed: context.seed, index: index)
        let count = customers(arguments)
        let customer = WorkloadContext.smallbankCustomer(draw.customer(among: count))
        let amount = draw.amount(upTo: arguments.maximumAmount)
        switch draw.operation(arguments.mix) {
        case .transactSavings: return .smallbank(.transactSavings(customer: customer, amount: amount))
        case .depositChecking: return .smallbank(.depositChecking(customer: customer, amount: amount))
        case .writeCheck: return .smallbank(.writeCheck(customer: customer, amount: amount))
        case .balance: return .smallbank(.balance(customer: customer))
        case .sendPayment:
            let (source, destination) = draw.twoCustomers(among: count)
            return .smallbank(.sendPayment(source: WorkloadContext.smallbankCustomer(source),
                                           destination: WorkloadContext.smallbankCustomer(destination), amount: amount))
        case .amalgamate:
            let (source, destination) = draw.twoCustomers(among: count)
            return .smallbank(.amalgamate(source: WorkloadContext.smallbankCustomer(source),
                                          destination: WorkloadContext.smallbankCustomer(destination)))
        }
    }

    /// A deterministic pick of one of the first `count` opened keys.
    private func pick(_ index: Int, among count: Int) -> Int {
        let available = max(1, min(count, context.openedKeys))
        var generator = SeededGenerator(seed: context.seed &+ UInt64(truncatingIfNeeded: index) &* 0x9E37_79B9)
        return Int(generator.next() % UInt64(available))
    }

    private func clinicalCall(index: Int, account: Int, role: ClinicalRole) -> ContractCall {
        let patient = account % max(1, patients)
        switch role {
        case .treatingDoctor:
            return .clinical(.registerTreatment(TreatmentRegistration(
                patient: context.patient(patient), diseaseCode: Self.diseaseCodes[index % Self.diseaseCodes.count],
                drugCode: Self.drugCodes[(index / 3) % Self.drugCodes.count], dosage: "1 tablet every 8 h", route: .oral,
                examDateMilliseconds: context.startMilliseconds - 86_400_000,
                documentHash: Hash256.sha256(Array("document-\(account)-\(index)".utf8)))))
        case .readingDoctor:
            return .clinical(.readRecords(patient: context.patient(patient), category: .treatments))
        case .patient:
            let doctor = context.auxiliary(2, index % Self.auxiliaryDoctors).address
            let category = DataCategory.allCases[index % DataCategory.allCases.count]
            return .clinical(.grantPermission(PermissionGrant(
                key: PermissionKey(patient: context.poolPatient(account), doctor: doctor, category: category, right: .read),
                validFromMilliseconds: context.startMilliseconds,
                validUntilMilliseconds: context.startMilliseconds + 86_400_000 + UInt64(index))))
        case .pharmacy:
            let dispensed = index % max(1, patients)
            return .clinical(.dispense(patient: context.patient(dispensed),
                                       treatment: context.treatment(ofPatient: dispensed) ?? .zero))
        }
    }

    // MARK: - Preparation

    /// Establishes what the round's calls need, committing it before the round; nothing here is measured.
    public func prepare(round: String, target: any BenchmarkTarget) async throws {
        switch workload {
        case .simpleQuery(let arguments), .simpleTransfer(let arguments):
            let missing = max(0, arguments.numberOfAccounts - context.openedKeys)
            let opener = context.auxiliary(1, 0)
            var calls: [(SigningAccount, ContractCall)] = []
            for _ in 0..<missing {
                calls.append((opener, .simple(.open(account: WorkloadContext.simpleKey(context.takeSimpleKey()),
                                                   money: UInt64(arguments.initialMoney)))))
            }
            _ = try await commit(calls, round: round, target: target)
        case .smallbankModify(let arguments), .smallbankQuery(let arguments):
            // Customers the operations pick from and nobody created yet; a round that names no
            // number works on what earlier rounds created, or on the default number if too few.
            let wanted = arguments.accountsGenerated
                ?? (context.createdCustomers < SmallbankArguments.minimumCustomers ? SmallbankArguments.defaultCustomers : 0)
            let creator = context.auxiliary(4, 0)
            let calls = (0..<max(0, wanted - context.createdCustomers)).map { _ in (creator, createCustomer(arguments)) }
            _ = try await commit(calls, round: round, target: target)
        case .simpleOpen, .smallbankCreate, .smallbankOperations, .noop:
            return
        default:
            try await prepareClinic(round: round, target: target)
        }
    }

    private func prepareClinic(round: String, target: any BenchmarkTarget) async throws {
        let accounts = context.accounts.accounts
        let roles = accounts.indices.map { role(of: $0) }
        let regulator = context.regulator
        let auxiliaryDoctors = (0..<Self.auxiliaryDoctors).map { context.auxiliary(2, $0) }
        let controllers = (0..<patients).map { context.auxiliary(3, $0) }

        // Stage 1: the regulator registers doctors and pharmacies; patients register their pseudonyms.
        var stage: [(SigningAccount, ContractCall)] = []
        var facts: [String] = []
        func once(_ fact: String, _ signer: SigningAccount, _ call: ContractCall) {
            guard !context.isPrepared(fact) else { return }
            facts.append(fact)
            stage.append((signer, call))
        }
        for (index, account) in accounts.enumerated() {
            switch roles[index] {
            case .treatingDoctor?, .readingDoctor?:
                once("doctor \(index)", regulator, .clinical(.registerDoctor(DoctorRegistration(
                    doctor: account.address, licence: "MD-\(index)", hospital: "hospital-\(index % 16)", specialty: "internal medicine"))))
            case .pharmacy?:
                once("pharmacy \(index)", regulator, .clinical(.registerPharmacy(PharmacyRegistration(
                    pharmacy: account.address, licence: "PH-\(index)"))))
            case .patient?:
                once("pool patient \(index)", account, .clinical(.registerPatient(pseudonym: context.poolPatient(index))))
            case nil:
                break
            }
        }
        for (index, doctor) in auxiliaryDoctors.enumerated() {
            once("auxiliary doctor \(index)", regulator, .clinical(.registerDoctor(DoctorRegistration(
                doctor: doctor.address, licence: "MD-A\(index)", hospital: "hospital-aux", specialty: "general practice"))))
        }
        for (index, controller) in controllers.enumerated() {
            once("patient \(index)", controller, .clinical(.registerPatient(pseudonym: context.patient(index))))
        }
        // Pool accounts that act as patients sign their registration with the pool's own nonces.
        try await commitStage(&stage, &facts, round: round, target: target)

        // Stage 2: patients let their doctors write and read treatments for a month.
        let window = (from: context.startMilliseconds - 3_600_000, until: context.startMilliseconds + 30 * 86_400_000)
        func grant(_ patient: Int, to doctor: Address, _ right: AccessRight) -> ContractCall {
            .clinical(.grantPermission(PermissionGrant(
                key: PermissionKey(patient: context.patient(patient), doctor: doctor, category: .treatments, right: right),
                validFromMilliseconds: window.from, validUntilMilliseconds: window.until)))
        }
        for (index, account) in accounts.enumerated() where roles[index]?.isDoctor == true && patients > 0 {
            let patient = index % patients
            once("grant write \(patient) \(index)", controllers[patient], grant(patient, to: account.address, .write))
            once("grant read \(patient) \(index)", controllers[patient], grant(patient, to: account.address, .read))
        }
        let dispensing = roles.contains(.pharmacy)
        if dispensing {
            for patient in 0..<patients {
                once("grant write \(patient) auxiliary", controllers[patient], grant(patient, to: auxiliaryDoctors[0].address, .write))
            }
        }
        try await commitStage(&stage, &facts, round: round, target: target)

        // Stage 3: a doctor prescribes one (not controlled) drug per patient, for pharmacies to dispense.
        if dispensing {
            var prescriptions: [(patient: Int, call: ContractCall)] = []
            for patient in 0..<patients where context.treatment(ofPatient: patient) == nil {
                prescriptions.append((patient, .clinical(.registerTreatment(TreatmentRegistration(
                    patient: context.patient(patient), diseaseCode: "J18.9", drugCode: "J01CA04", dosage: "500 mg every 8 h",
                    route: .oral, examDateMilliseconds: context.startMilliseconds - 86_400_000,
                    documentHash: Hash256.sha256(Array("prescription-\(patient)".utf8)))))))
            }
            let ids = try await commit(prescriptions.map { (auxiliaryDoctors[0], $0.call) }, round: round, target: target)
            for (prescription, id) in zip(prescriptions, ids) { context.recordTreatment(id, patient: prescription.patient) }
        }
    }

    private func commitStage(_ stage: inout [(SigningAccount, ContractCall)], _ facts: inout [String],
                             round: String, target: any BenchmarkTarget) async throws {
        _ = try await commit(stage, round: round, target: target)
        context.markPrepared(facts)
        stage = []
        facts = []
    }

    /// Commits preparation calls, many in flight per signer; every one must commit valid.
    private func commit(_ calls: [(SigningAccount, ContractCall)], round: String, target: any BenchmarkTarget) async throws -> [Hash256] {
        guard !calls.isEmpty else { return [] }
        var transactions: [Transaction] = []
        var signers: [Address: SigningAccount] = [:]
        for (signer, call) in calls {
            signers[signer.address] = signer
            // Pool accounts sign their own preparation (a patient registering itself) with pool nonces.
            if let poolIndex = context.accounts.index(of: signer.address) {
                transactions.append(Transaction(signedBy: signer, nonce: context.accounts.reserveNonce(of: poolIndex), call: call))
            } else {
                transactions.append(Transaction(signedBy: signer, nonce: await context.takeNonce(for: signer, target: target), call: call))
            }
        }
        // Each signer's transactions go out in nonce order, at most 32 at a time (a proof-of-work
        // mempool holds only so many future nonces of one account); signers run side by side.
        var bySigner: [Address: [Int]] = [:]
        var signerOrder: [Address] = []
        for (position, transaction) in transactions.enumerated() {
            if bySigner[transaction.sender] == nil { signerOrder.append(transaction.sender) }
            bySigner[transaction.sender, default: []].append(position)
        }
        let signed = transactions
        let outcomes = await withTaskGroup(of: [(Int, TransactionOutcome)].self) { group in
            for (signerIndex, signer) in signerOrder.enumerated() {
                let positions = bySigner[signer]!
                let signingAccount = signers[signer]!
                group.addTask {
                    var results: [(Int, TransactionOutcome)] = []
                    for start in stride(from: 0, to: positions.count, by: 32) {
                        let chunk = Array(positions[start..<min(positions.count, start + 32)])
                        let traces = await target.submitInOrder(chunk.map { signed[$0] }, signer: signingAccount, account: signerIndex,
                                                                timeout: .seconds(120))
                        results += zip(chunk, traces.map(\.outcome)).map { ($0, $1) }
                    }
                    return results
                }
            }
            var outcomes = [TransactionOutcome](repeating: .timedOut, count: transactions.count)
            for await results in group { for (position, outcome) in results { outcomes[position] = outcome } }
            return outcomes
        }
        for (transaction, outcome) in zip(transactions, outcomes) {
            guard case .committed(.valid, _) = outcome else {
                throw PreparationError(round: round, detail: "\(transaction.call.contractName).\(transaction.call.functionName) ended \(outcome)")
            }
        }
        context.notePrepared(transactions.map(\.id))
        return transactions.map(\.id)
    }
}

/// The seeded draws of one Smallbank transaction: the same seed and index give the same call.
struct SmallbankDraw {
    private var generator: SeededGenerator

    init(seed: UInt64, index: Int) {
        generator = SeededGenerator(seed: seed ^ 0x5A11_BA4E_0000_0000 &+ UInt64(truncatingIfNeeded: index) &* 0x9E37_79B9_7F4A_7C15)
    }

    /// A customer number below `count`.
    mutating func customer(among count: Int) -> Int { Int(generator.next() % UInt64(max(1, count))) }

    /// Two different customer numbers below `count` (the same one only when there is one); a
    /// second draw equal to the first moves to the next customer, as Caliper's does.
    mutating func twoCustomers(among count: Int) -> (Int, Int) {
        let first = customer(among: count)
        var second = customer(among: count)
        if second == first { second = (second + 1) % max(1, count) }
        return (first, second)
    }

    /// An amount from 1 through `maximum`.
    mutating func amount(upTo maximum: Int) -> UInt64 { 1 + generator.next() % UInt64(max(1, maximum)) }

    /// An operation, drawn by the mix's weights.
    mutating func operation(_ mix: SmallbankMix) -> SmallbankOperation {
        let weights = mix.weights
        let total = weights.reduce(0) { $0 + $1.weight }
        let position = Double(generator.next() >> 11) / Double(1 << 53) * total
        var cumulative = 0.0
        for (operation, weight) in weights where weight > 0 {
            cumulative += weight
            if position < cumulative { return operation }
        }
        return weights.last { $0.weight > 0 }!.operation
    }
}

import Consensus
import FuzzSupport
import LedgerPrimitives

/// Fuzzes the Raft codec: the first byte picks the value (an envelope, as orderers send them, or a
/// log entry, hard state or snapshot, as the Raft log store reads them), the rest is decoded; a
/// decoded value must re-encode to the same bytes.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzRaftCodec(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let bytes = fuzzInput(start, count)
    guard let selector = bytes.first else { return 0 }
    let value = Array(bytes.dropFirst())
    switch selector % 4 {
    case 0: checkCanonicalRoundTrip(Raft.Envelope.self, value)
    case 1: checkCanonicalRoundTrip(Raft.Entry.self, value)
    case 2: checkCanonicalRoundTrip(Raft.HardState.self, value)
    default: checkCanonicalRoundTrip(Raft.Snapshot.self, value)
    }
    return 0
}

/// The entry point SwiftPM links as `main`: libFuzzer's driver on this target.
@_cdecl("fuzz_raft_codec_main")
public func fuzzTargetMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> CInt {
    runLibFuzzer(argc, argv, fuzzRaftCodec)
}

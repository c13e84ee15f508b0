/// Raft consensus as a pure, deterministic state machine: tick it, step it, propose to it, and
/// collect what to persist, send and apply through `Raft.Ready`.
public enum Raft {}

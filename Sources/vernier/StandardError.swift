#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes a line to standard error, where every command's errors go.
func printToStandardError(_ message: String) {
    fputs(message.hasSuffix("\n") ? message : message + "\n", stderr)
}

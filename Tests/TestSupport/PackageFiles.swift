public import Foundation

/// Locates the package's own files (benchmark files, fixtures) from this file's source location.
public enum PackageFiles {
    /// The package root: three directories up from `Tests/TestSupport/PackageFiles.swift`.
    public static let root: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()
        .deletingLastPathComponent()
        .deletingLastPathComponent()
}

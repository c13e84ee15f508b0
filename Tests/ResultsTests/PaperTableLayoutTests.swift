import Testing
@testable import NetworkSpec
@testable import BenchmarkSpec
@testable import Results

/// How the paper-shaped outputs lay out their rows and axes.
@Suite("Paper table layout")
struct PaperTableLayoutTests {
    static let fabric = NetworkConfiguration(consensus: .raft(RaftSettings()), organizations: [
        Organization(name: "org1", peers: 2), Organization(name: "org2", peers: 2),
    ])

    /// Rows follow the paper: peer0 of each organisation, then peer1, then the orderer, which is
    /// called `orderer` when it is the only one.
    @Test func rowsInThePapersOrderAndNames() {
        let nodes = Self.fabric.nodeNames
        #expect(nodes == ["orderer0", "peer0.org1", "peer1.org1", "peer0.org2", "peer1.org2"])
        let ordered = KindResourceTable.paperOrder(nodes, network: Self.fabric)
        #expect(ordered == ["peer0.org1", "peer0.org2", "peer1.org1", "peer1.org2", "orderer0"])
        #expect(ordered.map { KindResourceTable.paperName($0, among: ordered) }
            == ["peer0.org1", "peer0.org2", "peer1.org1", "peer1.org2", "orderer"])
        let three = ["orderer0", "orderer1", "orderer2", "peer0.org1"]
        #expect(three.map { KindResourceTable.paperName($0, among: three) } == three)
        #expect(KindResourceTable.paperName("store0", among: ["store0"]) == "store")
    }

    /// Axis maxima are round enough that the four gridlines carry round values.
    @Test(arguments: [(13.0, 16.0), (0.38, 0.4), (1.0, 1.0), (9.5, 10.0), (0.0505, 0.06), (2.1, 2.4), (0, 1)])
    func axisMaxima(value: Double, expected: Double) {
        #expect(abs(GridTimeFigure.roundAxisMaximum(above: value) - expected) < 1e-12)
    }
}

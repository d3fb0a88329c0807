/// Comparison whose duration does not depend on where two secrets differ, so an attacker
/// cannot learn a secret byte by byte from response times.
package enum ConstantTime {
    package static func equals(_ lhs: some Collection<UInt8>, _ rhs: some Collection<UInt8>) -> Bool {
        guard lhs.count == rhs.count else { return false }
        var difference: UInt8 = 0
        for (a, b) in zip(lhs, rhs) { difference |= a ^ b }
        return difference == 0
    }
}

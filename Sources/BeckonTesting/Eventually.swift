/// Waits until `condition` holds, checking every few milliseconds, and answers whether it did
/// before `limit` (a bound for a broken build, not the time under test). For states reached by a
/// background task — a writer's retry, a recovery — never a sleep followed by an assertion.
package func eventually(
    within limit: Duration = .seconds(20), _ condition: @Sendable () async throws -> Bool
) async rethrows -> Bool {
    let end = ContinuousClock.now + limit
    while ContinuousClock.now < end {
        if try await condition() { return true }
        try? await Task.sleep(for: .milliseconds(5))
    }
    return try await condition()
}

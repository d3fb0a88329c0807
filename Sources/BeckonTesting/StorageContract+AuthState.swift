import BeckonCore
import Foundation
import Testing

extension StorageContract {
    static let authStateChecks: [StorageContractCheck] = [
        check("claimsEachNonceOnceUntilItExpires") { storage in
            let state = storage.authState
            let expires = t0.addingTimeInterval(600)
            #expect(try await state.claimNonce("k1 n", expiresAt: expires, now: t0))
            #expect(try await !state.claimNonce("k1 n", expiresAt: expires.addingTimeInterval(599), now: t0.addingTimeInterval(599)))
            #expect(try await state.claimNonce("k2 n", expiresAt: expires, now: t0), "nonces are per key")
            // Ten parallel requests with one nonce: one wins.
            let wins = try await withThrowingTaskGroup(of: Bool.self) { group in
                for _ in 0..<10 { group.addTask { try await state.claimNonce("k1 parallel", expiresAt: expires, now: t0) } }
                return try await group.reduce(0) { $0 + ($1 ? 1 : 0) }
            }
            #expect(wins == 1)
            // Past its window the nonce is forgotten (and may be used again).
            try await state.deleteExpiredNonces(now: expires)
            #expect(try await state.claimNonce("k2 n", expiresAt: expires.addingTimeInterval(600), now: expires))
            #expect(try await state.claimNonce("k1 n", expiresAt: expires.addingTimeInterval(600), now: expires.addingTimeInterval(1)))
        },
        check("countsSignInAttemptsAtomicallyBeforeTheyRun") { storage in
            let state = storage.authState
            let limits = [AttemptLimit(key: "e:x", limit: 5), AttemptLimit(key: "a:y", limit: 20)]
            // 20 parallel guesses: five are counted (and may run), fifteen refused before running.
            let answers = try await withThrowingTaskGroup(of: TimeInterval?.self) { group in
                for _ in 0..<20 { group.addTask { try await state.countAttempt(limits, window: 900, now: t0) } }
                return try await group.reduce(into: [TimeInterval?]()) { $0.append($1) }
            }
            #expect(answers.filter { $0 == nil }.count == 5)
            #expect(answers.compactMap { $0 }.allSatisfy { $0 == 900 })
            // A refused attempt counts nowhere: the address has five, not twenty.
            for n in 0..<15 {
                #expect(try await state.countAttempt([AttemptLimit(key: "a:y", limit: 20)], window: 900, now: t0) == nil, "attempt \(n)")
            }
            #expect(try await state.countAttempt([AttemptLimit(key: "a:y", limit: 20)], window: 900, now: t0) == 900)
            // The window runs from the last counted attempt.
            #expect(try await state.countAttempt(limits, window: 900, now: t0.addingTimeInterval(300)) == 600)
            #expect(try await state.countAttempt(limits, window: 900, now: t0.addingTimeInterval(900)) == nil)
            // A right password takes its attempt back: the email forgets, the address loses one.
            try await state.forgiveAttempt(clearing: ["e:x"], uncounting: ["a:y"])
            for _ in 0..<5 { #expect(try await state.countAttempt([limits[0]], window: 900, now: t0.addingTimeInterval(901)) == nil) }
            #expect(try await state.countAttempt([limits[0]], window: 900, now: t0.addingTimeInterval(901)) != nil)
            try await state.deleteStaleAttempts(before: t0.addingTimeInterval(2000))
            #expect(try await state.countAttempt([limits[0]], window: 900, now: t0.addingTimeInterval(2001)) == nil)
        },
    ]
}

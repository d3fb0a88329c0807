public import BeckonClient
import Foundation

/// A call to place: the visitor's number and the click it answers.
public struct DialRequest: Sendable, Equatable {
    public var callId: String
    /// E.164, e.g. `+15550100123`.
    public var number: String
    public var click: ClickThrough

    public init(callId: String, number: String, click: ClickThrough) {
        self.callId = callId
        self.number = number
        self.click = click
    }
}

/// A change in the call, as the telephony reports it.
public struct DialEvent: Sendable, Equatable {
    public var status: BeckonClient.CallStatus
    public var disposition: String?

    public init(_ status: BeckonClient.CallStatus, disposition: String? = nil) {
        self.status = status
        self.disposition = disposition
    }
}

/// What places calls: a telephony provider, or the simulation of the demo.
public protocol Dialer: Sendable {
    /// Starts the call and returns; progress arrives through `update` until a final status.
    func place(_ call: DialRequest, update: @escaping @Sendable (DialEvent) async -> Void) async throws
}

/// A dialer whose provider reports statuses by calling back (`POST /dialer/callback/{callId}`).
public protocol StatusCallbackReceiver: Sendable {
    /// Hands over one callback; answers whether the call was known.
    func callback(callId: String, providerStatus: String) async -> Bool
}

/// A pretend telephony for the demo and tests: requested → ringing → connected → completed with
/// realistic pauses. Numbers ending in 0000 are not answered, 1111 are busy, 2222 fail.
public struct SimulatedDialer: Dialer {
    /// Multiplies every pause (0.1 makes a call take under a second).
    public var speed: Double

    public init(speed: Double = 1) { self.speed = speed }

    public func place(_ call: DialRequest, update: @escaping @Sendable (DialEvent) async -> Void) async throws {
        let pause = speed
        Task {
            func wait(_ seconds: Double) async { try? await Task.sleep(nanoseconds: UInt64(seconds * pause * 1e9)) }
            await update(DialEvent(.queued))
            await wait(1)
            await update(DialEvent(.ringing))
            await wait(2)
            if call.number.hasSuffix("0000") { return await update(DialEvent(.noAnswer, disposition: "noAnswer")) }
            if call.number.hasSuffix("1111") { return await update(DialEvent(.busy, disposition: "busy")) }
            if call.number.hasSuffix("2222") { return await update(DialEvent(.failed, disposition: "carrierError")) }
            await update(DialEvent(.connected))
            await wait(4)
            await update(DialEvent(.completed, disposition: "callbackCompleted"))
        }
    }
}

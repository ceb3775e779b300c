"""The purchase kernel: what every kind of purchase (a booking, an order) shares, held once.

A kind declares its states, who may make which move, and its hooks (what a move releases, whom it
tells, what a cancellation refunds, how its code is redeemed) in a `PurchaseKind`; the kernel
moves it (`engine.move`), writes its history (`history`), finds it for a resident or a merchant
(`access`), cancels and expires it (`verbs`), creates it once per idempotency key (`creation`)
and gives it a code unique across every kind (`codes`). The kernel imports no kind: the kinds
import it.
"""

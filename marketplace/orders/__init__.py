"""Shop orders: a cart of products, stock held at checkout, pickup or delivery."""

# Orders can be paid for: registering the adapter here reaches every process that loads the
# order models (app, worker, CLI, tests), while payments itself never imports orders.
from marketplace.orders import payable_kind as _payable_kind  # noqa: F401

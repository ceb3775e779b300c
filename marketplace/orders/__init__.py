"""Shop orders: a cart of products, stock held at checkout, pickup or delivery."""

"""Webhooks: events recorded in the change's transaction (`events`), subscriptions, aggregation, signed
delivery with retries (`delivery`), the delivery log, the admin API and `blockyard webhook` (`cli`)."""

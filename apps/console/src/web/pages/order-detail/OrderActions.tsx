import { useState } from 'react';
import type { Eligibility, OrderDetail } from '../../api/index.ts';
import { ErrorMessage } from '../../components/ErrorMessage.tsx';
import { useConsole } from '../../context.tsx';

/**
 * What can be done to the order from here, and why not when it cannot: cancel, acknowledge, ship.
 * Shipments and the shop's retrieval are integrations' calls (the warehouse, the shop): SERVICE tokens.
 */
export function OrderActions({
  order,
  eligibility,
  running,
  onCancel,
  onShip,
  onChanged,
}: {
  order: OrderDetail;
  eligibility: Eligibility;
  running: boolean;
  onCancel(): void;
  onShip(): void;
  onChanged(): Promise<void>;
}) {
  const { api, session } = useConsole();
  const isIntegration = session?.role === 'SERVICE';
  const [acknowledging, setAcknowledging] = useState(false);
  const [error, setError] = useState<Error>();
  const anyCancellable = eligibility.merchant.allowed && eligibility.lines.some((l) => l.cancellableQuantity > 0);
  const whyNotCancellable = !eligibility.merchant.allowed
    ? eligibility.merchant.reason
    : anyCancellable
      ? undefined
      : 'no line has anything left to cancel';

  const acknowledge = async () => {
    setAcknowledging(true);
    setError(undefined);
    try {
      await api.orders.acknowledge(order.id);
      await onChanged();
    } catch (e) {
      setError(e instanceof Error ? e : new Error(String(e)));
    } finally {
      setAcknowledging(false);
    }
  };

  return (
    <>
      <div className="actions">
        <button type="button" onClick={onCancel} disabled={!anyCancellable} aria-describedby="why-not">
          Create cancellation
        </button>
        {order.status === 'NEW' && isIntegration ? (
          <button type="button" className="secondary" onClick={acknowledge} disabled={acknowledging}>
            {acknowledging ? 'Acknowledging…' : 'Acknowledge (shop retrieved it)'}
          </button>
        ) : null}
        <button
          type="button"
          className="secondary"
          onClick={onShip}
          disabled={!isIntegration || running || order.lines.every((l) => l.shippedQuantity >= l.quantity)}
          aria-describedby={isIntegration ? undefined : 'why-no-shipment'}
        >
          Create shipment
        </button>
      </div>
      {!isIntegration ? (
        <p id="why-no-shipment" className="hint">
          Shipments are recorded by the warehouse (sign in with a SERVICE token to record one by hand).
        </p>
      ) : null}
      {whyNotCancellable ? (
        <p id="why-not" className="hint">
          Cannot cancel: {whyNotCancellable}
        </p>
      ) : null}
      <ErrorMessage error={error} />
    </>
  );
}

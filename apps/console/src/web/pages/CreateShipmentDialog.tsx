import { useId, useState, type FormEvent } from 'react';
import type { OrderDetail, ShipmentRecorded } from '../api/index.ts';
import { Dialog } from '../components/Dialog.tsx';
import { ErrorMessage } from '../components/ErrorMessage.tsx';
import { useConsole } from '../context.tsx';

interface Props {
  open: boolean;
  order: OrderDetail;
  onClose(): void;
  onRecorded(shipment: ShipmentRecorded): void;
}

/**
 * Records what the warehouse shipped. Open quantities ship first; shipping more than is open
 * ships cancelled items, which starts a cancelled-but-shipped process (the service decides).
 */
export function CreateShipmentDialog({ open, order, onClose, onRecorded }: Props) {
  return (
    <Dialog open={open} title={`Record a shipment of order ${order.channelOrderNo}`} onClose={onClose}>
      <ShipmentForm order={order} onClose={onClose} onRecorded={onRecorded} />
    </Dialog>
  );
}

function ShipmentForm({ order, onClose, onRecorded }: Omit<Props, 'open'>) {
  const { api } = useConsole();
  const shippable = order.lines.filter((l) => l.quantity - l.shippedQuantity > 0);
  const [quantities, setQuantities] = useState<Record<string, string>>(() => Object.fromEntries(shippable.map((l) => [l.id, '0'])));
  const [carrier, setCarrier] = useState('');
  const [tracking, setTracking] = useState('');
  const [shipmentNumber, setShipmentNumber] = useState('');
  const [problems, setProblems] = useState<string[]>([]);
  const [error, setError] = useState<Error>();
  const [busy, setBusy] = useState(false);
  const base = useId();

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const found: string[] = [];
    const lines = shippable.map((l) => ({ line: l, quantity: Number(quantities[l.id] ?? '0') })).filter((c) => c.quantity !== 0);
    for (const c of lines) {
      const max = c.line.quantity - c.line.shippedQuantity;
      if (!Number.isInteger(c.quantity) || c.quantity < 0 || c.quantity > max) {
        found.push(`line ${c.line.lineNo} (${c.line.sku}): ship a whole number from 0 to ${max}`);
      }
    }
    if (lines.length === 0) found.push('give the quantity shipped of at least one line');
    if (!carrier.trim()) found.push('give the carrier, e.g. DHL');
    if (!tracking.trim()) found.push("give the carrier's tracking number");
    if (!shipmentNumber.trim()) found.push("give the warehouse's shipment number");
    setProblems(found);
    setError(undefined);
    if (found.length > 0) return;
    setBusy(true);
    try {
      const recorded = await api.orders.createShipment(order.id, {
        lines: lines.map((c) => ({ lineId: c.line.id, quantity: c.quantity })),
        carrier: carrier.trim(),
        trackingNumber: tracking.trim(),
        shipmentNumber: shipmentNumber.trim(),
      });
      onRecorded(recorded);
    } catch (e) {
      setError(e instanceof Error ? e : new Error(String(e)));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form onSubmit={submit} noValidate aria-busy={busy}>
      <fieldset>
        <legend>Quantities shipped</legend>
        {shippable.length === 0 ? <p>Everything has shipped.</p> : null}
        {shippable.map((line) => (
          <div key={line.id} className="qty">
            <label htmlFor={`${base}-${line.id}`}>
              Line {line.lineNo} · {line.sku} ({line.openQuantity} open
              {line.cancelledQuantity > 0
                ? `, ${line.cancelledQuantity} cancelled: shipping those starts a cancelled-but-shipped process`
                : ''}
              )
            </label>
            <input
              id={`${base}-${line.id}`}
              type="number"
              inputMode="numeric"
              min={0}
              max={line.quantity - line.shippedQuantity}
              step={1}
              value={quantities[line.id] ?? '0'}
              onChange={(e) => setQuantities((q) => ({ ...q, [line.id]: e.target.value }))}
            />
          </div>
        ))}
      </fieldset>
      <label htmlFor={`${base}-carrier`}>Carrier</label>
      <input id={`${base}-carrier`} value={carrier} maxLength={100} onChange={(e) => setCarrier(e.target.value)} />
      <label htmlFor={`${base}-tracking`}>Tracking number</label>
      <input id={`${base}-tracking`} value={tracking} maxLength={100} onChange={(e) => setTracking(e.target.value)} />
      <label htmlFor={`${base}-shipment-number`}>Shipment number (the warehouse's)</label>
      <input id={`${base}-shipment-number`} value={shipmentNumber} maxLength={100} onChange={(e) => setShipmentNumber(e.target.value)} />
      {problems.length > 0 ? (
        <div role="alert" className="error">
          <ul>
            {problems.map((p) => (
              <li key={p}>{p}</li>
            ))}
          </ul>
        </div>
      ) : null}
      <ErrorMessage error={error} title="The shipment was not recorded" />
      <div className="actions">
        <button type="submit" disabled={busy || shippable.length === 0}>
          {busy ? 'Recording…' : 'Record shipment'}
        </button>
        <button type="button" className="secondary" onClick={onClose}>
          Close
        </button>
      </div>
    </form>
  );
}

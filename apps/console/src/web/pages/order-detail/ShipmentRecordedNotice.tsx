import { Link } from 'react-router';
import type { ShipmentRecorded } from '../../api/index.ts';

/** Said once a shipment was recorded from this page, with what it set off. */
export function ShipmentRecordedNotice({ shipped }: { shipped: ShipmentRecorded }) {
  return (
    <p role="status" className="notice">
      Shipment recorded.
      {shipped.cancelledButShippedId ? (
        <>
          {' '}
          Cancelled items shipped:{' '}
          <Link to={`/cancelled-but-shipped/${shipped.cancelledButShippedId}`}>follow the cancelled-but-shipped process</Link>.
        </>
      ) : null}
      {shipped.fillOrKillCancellationId ? (
        <>
          {' '}
          The rest of the line is cancelled (fill or kill):{' '}
          <Link to={`/cancellations/${shipped.fillOrKillCancellationId}`}>its cancellation</Link>.
        </>
      ) : null}
    </p>
  );
}

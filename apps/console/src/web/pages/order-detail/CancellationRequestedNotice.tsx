import { Link } from 'react-router';

/** The customer asked to cancel: the answer is given in the requests queue. */
export function CancellationRequestedNotice({ orderId }: { orderId: string }) {
  return (
    <p className="notice">
      The customer asked to cancel: <Link to={`/cancellation-requests?orderId=${orderId}`}>answer in the requests queue</Link>.
    </p>
  );
}

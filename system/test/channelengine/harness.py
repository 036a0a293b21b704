"""Drives CancelFlow's Merchant API v2 with ChannelEngine's official Python client, unmodified.

    CE_URL=http://127.0.0.1:1234/api CE_KEY=cfk_... python harness.py <call> '<json arguments>'

Prints one JSON line: {"status": ..., "body": ...} as the client parsed the answer (PascalCase,
through the client's own models, which refuse unknown keys and enum values), or
{"status": ..., "error": ...} with the error body for a 4xx/5xx, or {"clientError": ...} when the
client itself refused the answer.
"""
import builtins
import io
import json
import os
import sys
from datetime import datetime

# The generated OrderApi and ShipmentApi name Python 2's builtin `file` (for file downloads) and
# fail at construction on Python 3: give them the Python 3 equivalent, never patch the package.
builtins.file = io.IOBase

import channelengine_merchant_api_client as ce  # noqa: E402
from channelengine_merchant_api_client.api.cancellation_api import CancellationApi  # noqa: E402
from channelengine_merchant_api_client.api.order_api import OrderApi  # noqa: E402
from channelengine_merchant_api_client.api.return_api import ReturnApi  # noqa: E402
from channelengine_merchant_api_client.api.shipment_api import ShipmentApi  # noqa: E402
from channelengine_merchant_api_client.model.manco_reason import MancoReason  # noqa: E402
from channelengine_merchant_api_client.model.merchant_cancellation_line_request import MerchantCancellationLineRequest  # noqa: E402
from channelengine_merchant_api_client.model.merchant_cancellation_request import MerchantCancellationRequest  # noqa: E402
from channelengine_merchant_api_client.model.merchant_order_acknowledgement_request import MerchantOrderAcknowledgementRequest  # noqa: E402
from channelengine_merchant_api_client.model.merchant_return_line_request import MerchantReturnLineRequest  # noqa: E402
from channelengine_merchant_api_client.model.merchant_return_request import MerchantReturnRequest  # noqa: E402
from channelengine_merchant_api_client.model.merchant_shipment_line_request import MerchantShipmentLineRequest  # noqa: E402
from channelengine_merchant_api_client.model.merchant_shipment_request import MerchantShipmentRequest  # noqa: E402
from channelengine_merchant_api_client.model.order_status_view import OrderStatusView  # noqa: E402
from channelengine_merchant_api_client.model.return_reason import ReturnReason  # noqa: E402
from channelengine_merchant_api_client.model.return_status import ReturnStatus  # noqa: E402

configuration = ce.Configuration(host=os.environ['CE_URL'])
configuration.api_key['apiKey'] = os.environ['CE_KEY']
client = ce.ApiClient(configuration)
# Every call answers (the parsed model, the HTTP status, the headers).
FULL = {'_return_http_data_only': False}


def dates(args, *names):
    """Naive datetimes, as integrations write them: the client sends 2024-01-01T00:00:00."""
    return {k: (datetime.fromisoformat(v) if k in names else v) for k, v in args.items()}


def orders_new(args):
    return OrderApi(client).order_get_new(**FULL)


def orders_filter(args):
    args = dates(args, 'from_date', 'to_date', 'from_created_at_date', 'to_created_at_date')
    if 'statuses' in args:
        args['statuses'] = [OrderStatusView(s) for s in args['statuses']]
    return OrderApi(client).order_get_by_filter(**args, **FULL)


def acknowledge(args):
    return OrderApi(client).order_acknowledge(merchant_order_acknowledgement_request=MerchantOrderAcknowledgementRequest(**args), **FULL)


def cancel(args):
    lines = [MerchantCancellationLineRequest(**line) for line in args.pop('lines')]
    if 'reason_code' in args:
        args['reason_code'] = MancoReason(args['reason_code'])
    return CancellationApi(client).cancellation_create(merchant_cancellation_request=MerchantCancellationRequest(lines=lines, **args), **FULL)


def cancellations(args):
    return CancellationApi(client).cancellation_get_for_merchant(**dates(args, 'created_since'), **FULL)


def ship(args):
    lines = [MerchantShipmentLineRequest(**line) for line in args.pop('lines')]
    return ShipmentApi(client).shipment_create(merchant_shipment_request=MerchantShipmentRequest(lines=lines, **dates(args, 'shipment_date')), **FULL)


def shipments(args):
    return ShipmentApi(client).shipment_index(**dates(args, 'from_shipment_date', 'to_shipment_date'), **FULL)


def return_goods(args):
    lines = [MerchantReturnLineRequest(**line) for line in args.pop('lines')]
    if 'reason' in args:
        args['reason'] = ReturnReason(args['reason'])
    return ReturnApi(client).return_declare_for_merchant(merchant_return_request=MerchantReturnRequest(lines=lines, **args), **FULL)


def returns(args):
    if 'statuses' in args:
        args['statuses'] = [ReturnStatus(s) for s in args['statuses']]
    return ReturnApi(client).return_get_declared_by_channel(**dates(args, 'from_date', 'to_date'), **FULL)


CALLS = {
    'orders_new': orders_new,
    'orders_filter': orders_filter,
    'acknowledge': acknowledge,
    'cancel': cancel,
    'cancellations': cancellations,
    'ship': ship,
    'shipments': shipments,
    'return': return_goods,
    'returns': returns,
}


def main():
    call, raw = sys.argv[1], (sys.argv[2] if len(sys.argv) > 2 else '{}')
    try:
        result, status, _headers = CALLS[call](json.loads(raw))
        print(json.dumps({'status': status, 'body': client.sanitize_for_serialization(result)}, default=str))
    except ce.ApiException as error:
        try:
            body = json.loads(error.body)
        except (TypeError, ValueError):
            body = error.body
        print(json.dumps({'status': error.status, 'error': body}))
    except (ce.ApiTypeError, ce.ApiValueError, ce.ApiAttributeError, ce.ApiKeyError) as error:
        print(json.dumps({'clientError': type(error).__name__, 'message': str(error)}))


if __name__ == '__main__':
    main()

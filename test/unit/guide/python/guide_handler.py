"""
The lab guide's Python handler, shaped as the guide writes it (decorator, begin_subsegment, put_annotation,
put_metadata, end_subsegment in finally), run with the real aws_xray_sdk in Lambda mode. The only change:
the DynamoDB read is a dict lookup, so nothing but the X-Ray SDK is exercised. The test that runs this
sets LAMBDA_TASK_ROOT, _X_AMZN_TRACE_ID and AWS_XRAY_DAEMON_ADDRESS (a UDP socket it listens on).

With argv[1] == "facade" it instead annotates the facade segment directly, with no subsegment open.
Prints one JSON line: what the handler returned, or the exception it raised.
"""
import json
import sys

from aws_xray_sdk.core import xray_recorder

USERS = {'user123': {'userId': 'user123', 'name': 'John Doe', 'email': 'john@example.com', 'preferences': '{}'}}


@xray_recorder.capture('lambda_handler')
def lambda_handler(event, context):
    subsegment = xray_recorder.begin_subsegment('user_processing')
    try:
        xray_recorder.put_annotation('service', 'user-service')
        xray_recorder.put_annotation('operation', event.get('httpMethod', 'unknown'))
        xray_recorder.put_metadata('request_info', {'path': event.get('path', '')})
        path_parts = event.get('path', '').split('/')
        user_id = path_parts[-1] if len(path_parts) > 2 else 'user123'
        item = USERS.get(user_id)
        if item:
            xray_recorder.put_annotation('user_found', True)
            return {'statusCode': 200, 'body': json.dumps(item)}
        xray_recorder.put_annotation('user_found', False)
        return {'statusCode': 404, 'body': json.dumps({'error': 'User not found'})}
    except Exception as e:
        xray_recorder.put_annotation('error', True)
        return {'statusCode': 500, 'body': json.dumps({'error': str(e)})}
    finally:
        xray_recorder.end_subsegment()


def annotate_facade():
    xray_recorder.current_segment().put_annotation('user_found', True)
    return {'statusCode': 200}


if __name__ == '__main__':
    try:
        if sys.argv[1:] == ['facade']:
            result = annotate_facade()
        else:
            result = lambda_handler({'httpMethod': 'GET', 'path': '/users/user123'}, None)
        print(json.dumps({'returned': result}))
    except Exception as e:  # the test reads the exception's class name
        print(json.dumps({'raised': type(e).__name__, 'message': str(e)}))

"""
Loads local sampling-rule documents (JSON on stdin, a list) with the real aws_xray_sdk's LocalSampler and
prints, for each, whether the SDK accepted it or the error it raised.
"""
import json
import sys

from aws_xray_sdk.core.sampling.local.sampler import LocalSampler

results = []
for doc in json.load(sys.stdin):
    try:
        LocalSampler(doc)
        results.append({'accepted': True})
    except Exception as e:
        results.append({'accepted': False, 'error': type(e).__name__, 'message': str(e)})
print(json.dumps(results))

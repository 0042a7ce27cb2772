"""Records a real model server's answers as the fixtures the stand-in tests replay
(tests/fixtures/llm/): what it says to each structured-output format, to a conversation over its
context, and to a reply cut at max_tokens.

    python3 record.py MODEL_URL MODEL_NAME OUT_DIR
"""

import json
import pathlib
import sys
import urllib.error
import urllib.request

url, model, out = sys.argv[1], sys.argv[2], pathlib.Path(sys.argv[3])
out.mkdir(parents=True, exist_ok=True)
schema = json.loads(pathlib.Path("prompts/draft.schema.json").read_text())
ask = [{"role": "user", "content": "Write a JSON object with a headline and a summary of a trial of aspirin for headache."}]


def call(name, **body):
    body = {"model": model, "messages": ask, "temperature": 0.2, "max_tokens": 300, **body}
    req = urllib.request.Request(f"{url}/chat/completions", data=json.dumps(body).encode(),
                                 headers={"content-type": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=300) as resp:
            status, text = resp.status, resp.read().decode()
    except urllib.error.HTTPError as e:
        status, text = e.code, e.read().decode()
    path = out / f"{name}_{status}.json"
    # The body as the server sent it, reindented for review.
    try:
        text = json.dumps(json.loads(text), indent=2) + "\n"
    except ValueError:
        pass
    path.write_text(text)
    print(f"{path}: HTTP {status}")


call("json_schema", response_format={"type": "json_schema", "json_schema": {"name": "laysum_draft", "strict": True, "schema": schema}})
call("json_object_schema", response_format={"type": "json_object", "schema": schema})
call("length", response_format={"type": "json_object", "schema": schema}, max_tokens=16)
call("context_length_exceeded", messages=[{"role": "user", "content": "trial " * 12000}])

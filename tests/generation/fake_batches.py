"""A small in-process fake of the OpenAI Files and Batches endpoints (the remote API cannot run here).

It keeps uploaded files, runs a batch after `polls_to_finish` looks at it, answers each request with
`ok: <last message>` (or an error for the custom_ids in `fail`), and can expire a batch after running only its
first `expire_after` requests, or hold batches in flight (`hold`) until released. It counts uploads and creates
and keeps every batch's input lines, so tests see what was sent.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import orjson
from aiohttp import web


@dataclass
class FakeBatchAPI:
    """Behaviour knobs and what the fake saw."""

    base_url: str = ""
    polls_to_finish: int = 1
    fail: set[str] = field(default_factory=set)
    expire_after: int | None = None
    hold: bool = False
    answer: Callable[[str], str] = lambda content: "ok: " + content
    """The completion text for a request's last message (or prompt)."""
    files: dict[str, bytes] = field(default_factory=dict)
    batches: dict[str, dict[str, Any]] = field(default_factory=dict)
    inputs: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    polls: dict[str, int] = field(default_factory=dict)
    uploads: int = 0

    def run(self, batch_id: str) -> None:
        """Finish a batch: write its output (and error) files, as the API does."""
        batch = self.batches[batch_id]
        lines = self.inputs[batch_id]
        ran = lines if self.expire_after is None else lines[: self.expire_after]
        good, bad = [], []
        for line in ran:
            custom = line["custom_id"]
            if custom in self.fail:
                bad.append({"id": f"r-{custom}", "custom_id": custom, "error": None, "response": {
                    "status_code": 400, "body": {"error": {"message": "injected failure", "type": "invalid_request"}}}})
                continue
            body = line["body"]
            text = self.answer(body["messages"][-1]["content"] if "messages" in body else body["prompt"])
            choice = ({"index": 0, "finish_reason": "stop", "message": {"role": "assistant", "content": text}}
                      if "messages" in body else {"index": 0, "finish_reason": "stop", "text": text})
            good.append({"id": f"r-{custom}", "custom_id": custom, "error": None, "response": {
                "status_code": 200, "body": {"id": "c", "object": "chat.completion", "model": body["model"],
                                             "choices": [choice], "usage": {"prompt_tokens": 3, "completion_tokens": 2}}}})
        for name, rows in (("output_file_id", good), ("error_file_id", bad)):
            if rows:
                file_id = f"file-{name[:3]}-{batch_id}"
                self.files[file_id] = b"".join(orjson.dumps(r) + b"\n" for r in rows)
                batch[name] = file_id
        batch["status"] = "expired" if self.expire_after is not None else "completed"
        batch["request_counts"] = {"total": len(lines), "completed": len(good), "failed": len(bad)}


@contextmanager
def fake_batch_api(**knobs: Any) -> Iterator[FakeBatchAPI]:
    """Serve the fake on a free 127.0.0.1 port while the block runs."""
    state = FakeBatchAPI(**knobs)

    async def models(_: web.Request) -> web.Response:
        return web.json_response({"object": "list", "data": [{"id": "fake-batch-model", "object": "model"}]})

    async def upload(request: web.Request) -> web.Response:
        form = await request.post()
        content = form["file"].file.read()  # type: ignore[union-attr]
        file_id = f"file-{len(state.files)}"
        state.files[file_id] = content
        state.uploads += 1
        return web.json_response({"id": file_id, "object": "file", "bytes": len(content), "created_at": 0,
                                  "filename": "batch.jsonl", "purpose": form["purpose"], "status": "processed"})

    async def create(request: web.Request) -> web.Response:
        body = await request.json()
        batch_id = f"batch_{len(state.batches)}"
        lines = [orjson.loads(line) for line in state.files[body["input_file_id"]].splitlines() if line.strip()]
        state.inputs[batch_id] = lines
        state.batches[batch_id] = {
            "id": batch_id, "object": "batch", "endpoint": body["endpoint"], "input_file_id": body["input_file_id"],
            "completion_window": body["completion_window"], "status": "validating", "created_at": 0,
            "output_file_id": None, "error_file_id": None, "errors": None, "metadata": body.get("metadata"),
            "request_counts": {"total": len(lines), "completed": 0, "failed": 0},
        }
        return web.json_response(state.batches[batch_id])

    async def retrieve(request: web.Request) -> web.Response:
        batch_id = request.match_info["batch_id"]
        batch = state.batches[batch_id]
        state.polls[batch_id] = state.polls.get(batch_id, 0) + 1
        if batch["status"] not in ("completed", "expired") and not state.hold:
            if state.polls[batch_id] >= state.polls_to_finish:
                state.run(batch_id)
            else:
                batch["status"] = "in_progress"
        return web.json_response(batch)

    async def content(request: web.Request) -> web.Response:
        return web.Response(body=state.files[request.match_info["file_id"]], content_type="application/octet-stream")

    app = web.Application()
    app.router.add_get("/v1/models", models)
    app.router.add_post("/v1/files", upload)
    app.router.add_post("/v1/batches", create)
    app.router.add_get("/v1/batches/{batch_id}", retrieve)
    app.router.add_get("/v1/files/{file_id}/content", content)

    loop = asyncio.new_event_loop()
    runner = web.AppRunner(app, access_log=None)
    loop.run_until_complete(runner.setup())
    site = web.TCPSite(runner, "127.0.0.1", 0)
    loop.run_until_complete(site.start())
    state.base_url = f"http://127.0.0.1:{runner.addresses[0][1]}/v1"
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        asyncio.run_coroutine_threadsafe(runner.cleanup(), loop).result(timeout=10)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(timeout=10)
        loop.close()

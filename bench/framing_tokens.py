"""Prompt tokens a trivial run sends beyond the user's own text and memory (the "framing").

A bot with a short prompt and description gets a trivial input; the run goes through the real path (engine,
pydantic-ai, the official SDK) to the fake OpenAI in this process, which records the exact request. Reported:
  (a) the whole request: our estimator (openorchestrator.engine.context.estimate_tokens) over the message
      texts plus OpenAI's chat-template cost (3 tokens per message + 3 to prime the reply), over the whole
      JSON body (a wire-size view, not prompt tokens), and tiktoken o200k if its file can be loaded here;
  (b) the framing: everything except the bot's prompt, name, description and the input (and, for the second
      run, its last result = memory);
  (c) the request JSON size in bytes.
The fake's reported prompt_tokens is a scripted constant (10), so it is shown but not meaningful.

    python bench/framing_tokens.py [--language de|en|both] [--no-tiktoken]
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import argparse  # noqa: E402
import asyncio  # noqa: E402
import json  # noqa: E402
import logging  # noqa: E402
import subprocess  # noqa: E402
from typing import Any  # noqa: E402

from _common import fake_server, header, verdict  # noqa: E402

AIM_FRAMING = 300
NAME = "Scout"
DESCRIPTION = "Watches sneaker prices."
PROMPT = "Find new offers."
INPUT = "Nike AM90"
TEMPLATE_PER_MESSAGE, TEMPLATE_REPLY = 3, 3  # OpenAI's published counting rule for chat messages

_TIKTOKEN_CODE = """
import json, sys, tiktoken
enc = tiktoken.get_encoding("o200k_base")
print(json.dumps([len(enc.encode(t)) for t in json.load(sys.stdin)]))
"""


def tiktoken_counts(texts: list[str]) -> list[int] | None:
    """o200k token counts, or None when the encoding cannot be loaded (it is downloaded on first use)."""
    try:
        done = subprocess.run(
            [sys.executable, "-c", _TIKTOKEN_CODE], input=json.dumps(texts), text=True, capture_output=True, timeout=20
        )
    except (subprocess.TimeoutExpired, OSError):
        return None
    if done.returncode != 0:
        return None
    return json.loads(done.stdout)  # type: ignore[no-any-return]


def strip_owned(text: str, owned: list[str]) -> str:
    """The text with each user-owned piece removed once (the framing that is left)."""
    for piece in owned:
        if piece and piece in text:
            text = text.replace(piece, "", 1)
    return text


def message_text(message: dict[str, Any]) -> str:
    content = message.get("content")
    if isinstance(content, list):  # content parts
        return "".join(part.get("text", "") for part in content if isinstance(part, dict))
    return content or ""


async def capture(language: str) -> list[dict[str, Any]]:
    """Two runs of one bot: the trivial first run, and a second one that also carries its last result."""
    with fake_server("inproc") as fh:
        from _common import open_bench

        async with open_bench(
            fh.base_url,
            language=language,
            bot_fields={"name": NAME, "prompt": PROMPT, "description": DESCRIPTION},
        ) as bench:
            engine = bench.svc.engine
            out = []
            for _ in range(2):
                before = len(fh.fake.chat_requests)
                run = await engine.create_run(bench.bot_id, INPUT)
                await engine.queue.wait_idle()
                row = await engine.get_run(run.id)
                if row.status != "completed":
                    raise RuntimeError(f"run ended {row.status}: {row.error_message}")
                requests = fh.fake.chat_requests[before:]
                if len(requests) != 1:
                    raise RuntimeError(f"expected one request per run, got {len(requests)}")
                estimate = next((e.get("tokens_estimate") for e in row.log if "tokens_estimate" in e), None)
                out.append({"request": requests[0], "run": row, "estimate_logged": estimate})
            return out


def report(language: str, captured: list[dict[str, Any]], use_tiktoken: bool) -> None:
    from openorchestrator.engine.context import estimate_tokens as est

    for index, item in enumerate(captured):
        req, run = item["request"], item["run"]
        body = req.json
        messages = body.get("messages", [])
        texts = [message_text(m) for m in messages]
        owned = [PROMPT, DESCRIPTION, NAME, INPUT]
        if index == 1 and run_output(captured[0]):
            owned.insert(0, run_output(captured[0]))  # memory: the last result
        framing_texts = [strip_owned(t, owned) for t in texts]
        template = TEMPLATE_PER_MESSAGE * len(messages) + TEMPLATE_REPLY
        whole = sum(est(t) for t in texts) + template
        framing = sum(est(t) for t in framing_texts) + template
        raw_bytes = int(req.headers.get("content-length", 0)) or len(json.dumps(body).encode())
        owned_bytes = sum(len(p.encode()) for p in owned)
        title = "first run (no memory)" if index == 0 else "second run (carries its last result)"
        print(f"-- language {language!r}, {title}")
        print(f"   body keys: {', '.join(body)}; messages: {', '.join(m.get('role', '?') for m in messages)}")
        for m, t in zip(messages, texts, strict=True):
            print(f"     {m.get('role')}: {t!r}")
        print(
            f"   (a) whole request, our estimator: {whole} tokens "
            f"(message texts {whole - template} + chat template {template}); "
            f"whole JSON body {est(json.dumps(body))} estimator tokens; engine logged tokens_estimate "
            f"{item['estimate_logged']}; fake's prompt_tokens {run.tokens_in} "
            "(scripted constant, not meaningful)"
        )
        if use_tiktoken:
            counts = tiktoken_counts([*texts, *framing_texts])
            if counts is not None:
                n = len(texts)
                print(
                    f"       tiktoken o200k_base: whole {sum(counts[:n]) + template}, "
                    f"framing {sum(counts[n:]) + template} tokens"
                )
        print(
            f"   (b) framing (all but prompt, name, description, input{', last result' if index else ''}): "
            f"{framing} tokens = texts {framing - template} + chat template {template}   "
            f"aim ≤{AIM_FRAMING}: {verdict(framing, AIM_FRAMING)}"
        )
        print(f"       framing text: {[t for t in framing_texts]!r}")
        print(
            f"   (c) request JSON: {raw_bytes} bytes, of which {owned_bytes} bytes are the user's own text "
            f"({raw_bytes - owned_bytes} bytes framing, JSON and fields included)"
        )


def run_output(item: dict[str, Any]) -> str:
    return str(item["run"].output or "")


async def main(args: argparse.Namespace) -> None:
    header("framing tokens of a trivial run")
    print(
        f"   bot: name {NAME!r}, description {DESCRIPTION!r}, prompt {PROMPT!r}; input {INPUT!r}; "
        "no notes; fake OpenAI in-process (records the request)"
    )
    languages = ["de", "en"] if args.language == "both" else [args.language]
    use_tiktoken = not args.no_tiktoken and tiktoken_counts(["probe"]) is not None
    if not args.no_tiktoken and not use_tiktoken:
        print("   tiktoken o200k_base: not available here (its encoding file cannot be downloaded) — not used")
    for language in languages:
        report(language, await capture(language), use_tiktoken)


def parse() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument(
        "--language", choices=("de", "en", "both"), default="both", help="the app language (de is the default setting)"
    )
    parser.add_argument("--no-tiktoken", action="store_true", help="do not try tiktoken's o200k encoding")
    return parser.parse_args()


if __name__ == "__main__":
    logging.basicConfig(level=logging.WARNING)
    asyncio.run(main(parse()))

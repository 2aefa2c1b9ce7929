"""`labelstudio`: Label Studio's JSON export, a list of tasks: `data.text` (the article; optional
`data.title`, `data.url`) and `annotations[].result[]` whose `type` is `labels` with
`value.start`, `value.end`, `value.text`, `value.labels`. `completed_by`, `created_at`,
`updated_at` and the ids are kept as provenance. Label Studio's front end counts offsets in
UTF-16 code units; the server converts them when that is what matches the quoted text.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, BinaryIO

from .base import FileRefused, Record, article, error, json_document, row, sha256_text
from .doccano import title_of

FORMAT = "labelstudio"
EXPECTED = 'a task with "data": {"text": ...} and "annotations": [{"result": [...]}]'


def parse(stream: BinaryIO) -> Iterator[Record]:
    tasks = json_document(stream)
    if isinstance(tasks, dict):
        tasks = [tasks]
    if not isinstance(tasks, list):
        raise FileRefused("A Label Studio export is a list of tasks.")
    for number, task in enumerate(tasks):
        yield from task_records(task, f"[{number}]")


def task_records(task: Any, where: str) -> Iterator[Record]:
    data = task.get("data") if isinstance(task, dict) else None
    text = data.get("text") if isinstance(data, dict) else None
    if not isinstance(data, dict) or not isinstance(text, str) or not text.strip():
        yield error(index=where, reason="The task has no data.text.", expected=EXPECTED)
        return
    key = sha256_text(text)
    url = data["url"] if isinstance(data.get("url"), str) else ""
    yield article(
        key=key, text=text, title=title_of(text, data), url=url, source_id=task.get("id", "")
    )
    annotations = task.get("annotations") or task.get("completions") or []
    if not isinstance(annotations, list):
        yield error(index=where, reason="annotations is not a list.", expected=EXPECTED)
        return
    for a_number, annotation in enumerate(annotations):
        results = annotation.get("result") if isinstance(annotation, dict) else None
        if not isinstance(results, list):
            yield error(
                index=f"{where}.annotations[{a_number}]",
                reason="The annotation has no result list.",
                expected=EXPECTED,
            )
            continue
        if annotation.get("was_cancelled"):
            continue
        for r_number, result in enumerate(results):
            index = f"{where}.annotations[{a_number}].result[{r_number}]"
            value = result.get("value") if isinstance(result, dict) else None
            if (
                not isinstance(value, dict)
                or result.get("type") not in ("labels", None)
                or "start" not in value
            ):
                yield error(
                    index=index,
                    reason=f"Unsupported result type: {result.get('type') if isinstance(result, dict) else type(result).__name__}.",
                    expected='a result of type "labels" with value.start, value.end and value.labels',
                )
                continue
            quote = (
                {"exact": value["text"], "prefix": "", "suffix": ""}
                if isinstance(value.get("text"), str)
                else None
            )
            yield row(
                index=index,
                article={"key": key},
                quote=quote,
                position={"start": value.get("start"), "end": value.get("end")},
                unit="utf16",
                tags=value.get("labels") or [],
                user=annotation.get("completed_by", ""),
                created=annotation.get("created_at", ""),
                modified=annotation.get("updated_at", ""),
                source_id=f"{task.get('id', '')}:{annotation.get('id', a_number)}:{result.get('id', r_number)}",
            )

"""Evaluation jobs for bin/benchmark: a COCO zip of one image repeated, a job submitted, cancelled or waited for.

  evaluation.py zip OUT.zip IMAGE COUNT          a zip of COUNT copies of IMAGE with COCO annotations
  evaluation.py submit BASE_URL ZIP MODEL[,...]  prints the job's URL
  evaluation.py cancel JOB_URL                   cancels; prints one JSON line: the images done and the rate so far
  evaluation.py wait JOB_URL                     waits for the end; prints one JSON line per model
"""
import io
import json
import sys
import time
import urllib.request
import zipfile

from PIL import Image


def make_zip(out, image, count):
    width, height = Image.open(image).size
    data = open(image, "rb").read()
    names = [f"images/{i:05d}.jpg" for i in range(count)]
    truth = {"images": [{"id": i + 1, "file_name": name, "width": width, "height": height}
                        for i, name in enumerate(names)],
             # a person and a car in each image: what matters here is the cost, not the figures
             "annotations": [a for i in range(count) for a in (
                 {"id": 2 * i + 1, "image_id": i + 1, "category_id": 1, "bbox": [10, 20, 100, 200], "area": 20000,
                  "iscrowd": 0},
                 {"id": 2 * i + 2, "image_id": i + 1, "category_id": 3, "bbox": [300, 200, 150, 90], "area": 13500,
                  "iscrowd": 0})],
             "categories": [{"id": 1, "name": "person"}, {"id": 3, "name": "car"}]}
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as archive:
        archive.writestr("annotations/instances.json", json.dumps(truth))
        for name in names:
            archive.writestr(name, data)


def call(method, url, body=None, content_type=None):
    request = urllib.request.Request(url, data=body, method=method)
    if content_type:
        request.add_header("Content-Type", content_type)
    with urllib.request.urlopen(request, timeout=600) as answer:
        return answer.headers, answer.read()


def main(command, *args):
    if command == "zip":
        make_zip(args[0], args[1], int(args[2]))
    elif command == "submit":
        base, archive, models = args
        headers, _ = call("POST", f"{base}/v1/evaluations?models={models}", open(archive, "rb").read(),
                          "application/zip")
        print(base + headers["Location"])
    elif command == "cancel":
        _, body = call("DELETE", args[0])
        job = json.loads(body)
        for run in job["models"]:
            seconds = run["elapsedMs"] / 1000
            print(json.dumps({"kind": "evaluation-beside-live", "model": run["model"], "imagesDone": run["imagesDone"],
                              "imagesPerSecond": round(run["imagesDone"] / seconds, 3) if seconds else None}))
    elif command == "wait":
        while True:
            job = json.loads(call("GET", args[0])[1])
            if job["status"] in ("DONE", "FAILED", "CANCELLED"):
                break
            time.sleep(1)
        for run in job["models"]:
            result = run.get("result") or {}
            print(json.dumps({"kind": "evaluation", "model": run["model"], "status": run["status"],
                              "images": run["imagesDone"], "imagesPerSecond": result.get("imagesPerSecond"),
                              "latencyP50Ms": (result.get("latencyMs") or {}).get("p50"),
                              "latencyP90Ms": (result.get("latencyMs") or {}).get("p90"),
                              "engine": result.get("engine")}))
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(*sys.argv[1:])

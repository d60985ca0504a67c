"""The photo pipeline against the naive one, on a 12 MP (4032x3024) phone-sized JPEG.

Budget: `process_photo_sync` takes at most 0.4x the naive pipeline's median wall time.

Naive: `Image.open` + `load()` (a full 12 MP decode), `ImageOps.exif_transpose`, `thumbnail(1600)`,
save as JPEG, `thumbnail(320)`, save as JPEG. Both pipelines encode with the same JPEG settings
(quality 82, baseline), so the difference is decoding and resizing, not encoder choices.

Three photos are measured: a landscape one (no EXIF orientation) and the same pixels as a phone held
upright stores them (landscape pixels, EXIF orientation 6, GPS), where the naive pipeline also rotates
12 MP while ours rotates the display copy. Both have realistic detail (noise over gradients) so that
they are 3-5 MB, like a real phone photo, rather than compressing to nothing. The third, a street
scene (shop fronts, lettering, a number plate, railings and thin lines over smooth colour, slightly
soft, with fine grain), has the edges that show a resampling filter's faults, which noise hides.

Quality: each display copy, decoded, against a Lanczos resize of the fully decoded photo to the same
size (PSNR over the RGB channels); the naive display copy is measured the same way, so the two PSNRs
compare the pipelines' losses, JPEG encoding included.

Time: N runs of each pipeline, alternating, after a warm-up; median wall time (and median CPU time of
the thread, which is steadier on a shared machine). Memory: Python-level peak with tracemalloc, which
does NOT see Pillow's pixel buffers (allocated in C), so also the peak RSS (ru_maxrss, and Linux's
VmHWM) of a fresh subprocess per pipeline and photo, less its peak before processing (interpreter,
imports and the file's bytes). The photos are generated in a child process too, so that this process
stays small and a child's ru_maxrss, which can carry the parent's peak over vfork+exec, is its own.

    .venv/bin/python bench/photo_pipeline.py            # 10 runs each
    .venv/bin/python bench/photo_pipeline.py --quick    # 3 runs each
    .venv/bin/python bench/photo_pipeline.py --runs 20

Figures go to standard output (with a markdown table) and bench/results/photo_pipeline.json. Exit
status: 0 within budget, 3 over budget (wall time, the budget's measure).
"""

from __future__ import annotations

import argparse
import io
import json
import math
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import PIL
from PIL import ExifTags, Image, ImageChops, ImageDraw, ImageFilter, ImageFont, ImageOps, ImageStat

from shopwatch.incidents.photos import JPEG_QUALITY, process_photo_sync

ROOT = Path(__file__).resolve().parents[1]
RESULTS_FILE = ROOT / "bench" / "results" / "photo_pipeline.json"
BUDGET = 0.4
SIZE = (4032, 3024)


def naive_pipeline(data: bytes) -> tuple[bytes, bytes]:
    opened = Image.open(io.BytesIO(data))
    opened.load()
    image = ImageOps.exif_transpose(opened)
    image.thumbnail((1600, 1600))
    display = io.BytesIO()
    image.save(display, "JPEG", quality=JPEG_QUALITY, progressive=False, optimize=False)
    image.thumbnail((320, 320))
    thumbnail = io.BytesIO()
    image.save(thumbnail, "JPEG", quality=JPEG_QUALITY, progressive=False, optimize=False)
    return display.getvalue(), thumbnail.getvalue()


def our_pipeline(data: bytes) -> tuple[bytes, bytes]:
    photo = process_photo_sync(data)
    return photo.display_jpeg, photo.thumbnail_jpeg


PIPELINES: dict[str, Callable[[bytes], tuple[bytes, bytes]]] = {
    "naive": naive_pipeline,
    "ours": our_pipeline,
}


def detailed_photo(size: tuple[int, int] = SIZE) -> Image.Image:
    """Gradients with fine and coarse noise: compresses like a photo (3-5 MB at quality 90)."""
    width, height = size
    linear = Image.linear_gradient("L").resize(size)
    radial = Image.radial_gradient("L").resize(size)
    fine = Image.effect_noise(size, 20)
    medium = Image.effect_noise((width // 2, height // 2), 20).resize(size)
    coarse = Image.effect_noise((width // 8, height // 8), 60).resize(size, Image.Resampling.BICUBIC)
    red = ImageChops.add(ImageChops.multiply(linear, coarse), fine, scale=2.0)
    green = ImageChops.add(radial, medium, scale=2.0)
    blue = ImageChops.blend(ImageChops.invert(linear), fine, 0.5)
    return Image.merge("RGB", (red, green, blue))


def street_photo(size: tuple[int, int] = SIZE) -> Image.Image:
    """A street of shop fronts: smooth sky, flat colours with hard edges, lettering, a number plate,
    railings and a fan of thin lines, softened as a lens does and with a little grain."""
    width, height = size
    sky = Image.linear_gradient("L").resize(size)
    picture = Image.merge(
        "RGB",
        (sky.point(lambda v: 90 + v // 3), sky.point(lambda v: 130 + v // 4), Image.new("L", size, 210)),
    )
    draw = ImageDraw.Draw(picture)
    shop_width, top = width // 8, height // 3
    names = ["BAKERY", "PHARMACY", "NEWS", "OFF LICENCE", "CAFE", "BANK", "SHOES", "TOYS"]
    sign = ImageFont.load_default(height // 34)
    for index, name in enumerate(names):
        left = index * shop_width
        colour = ((index * 53) % 140 + 60, (index * 97) % 140 + 60, (index * 31) % 140 + 60)
        draw.rectangle([left + 20, top, left + shop_width - 20, height - 200], colour, (20, 20, 20), 6)
        for row in range(6):
            upper = top + 80 + row * 260
            window = [left + 60, upper, left + shop_width - 60, upper + 180]
            draw.rectangle(window, (200, 220, 235), (40, 40, 40), 3)
        draw.text((left + 40, top - 120), name, (250, 250, 250), sign, stroke_width=3, stroke_fill=(0, 0, 0))
    notice = ImageFont.load_default(height // 108)
    hours = "Open Mon-Sat 9:00-17:30, Sun 10:00-16:00. CCTV in operation."
    draw.text((200, height - 170), hours, (10, 10, 10), notice)
    plate = (width * 65 // 100, height * 83 // 100)
    draw.rectangle([plate, (plate[0] + 700, plate[1] + 150)], (250, 210, 0), (0, 0, 0), 4)
    draw.text((plate[0] + 40, plate[1] + 20), "AB12 CDE", (0, 0, 0), sign)
    for x in range(0, width, 14):
        draw.line([x, height - 200, x + 30, height], (30, 30, 30), 3)
    for step in range(60):
        angle = step * math.pi / 120
        end = (width // 2 + 1800 * math.cos(angle), 200 + 1800 * math.sin(angle))
        draw.line([(width // 2, 200), end], (255, 255, 255), 2)
    soft = picture.filter(ImageFilter.GaussianBlur(1.2))
    grain = Image.effect_noise(size, 4)
    return ImageChops.add(soft, Image.merge("RGB", (grain, grain, grain)), offset=-128)


def phone_exif(orientation: int) -> bytes:
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "BenchPhone"
    exif[ExifTags.Base.Orientation] = orientation
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (51.0, 27.0, 15.5)
    gps[ExifTags.GPS.GPSLongitudeRef] = "W"
    gps[ExifTags.GPS.GPSLongitude] = (2.0, 35.0, 12.25)
    return exif.tobytes()


def make_photos() -> dict[str, bytes]:
    detailed, street = detailed_photo(), street_photo()
    photos = {}
    for name, pixels, orientation in (
        ("landscape", detailed, 1),
        ("portrait-exif-6", detailed, 6),
        ("street", street, 1),
    ):
        buffer = io.BytesIO()
        pixels.save(buffer, "JPEG", quality=90, exif=phone_exif(orientation))
        photos[name] = buffer.getvalue()
    return photos


def psnr_db(image: Image.Image, reference: Image.Image) -> float:
    """Peak signal-to-noise ratio of `image` against `reference`, over the RGB channels."""
    rms = ImageStat.Stat(ImageChops.difference(image, reference)).rms
    mean_square = sum(value * value for value in rms) / len(rms)
    return math.inf if mean_square == 0 else 10 * math.log10(255 * 255 / mean_square)


def display_quality(data: bytes) -> dict[str, dict[str, Any]]:
    """Each pipeline's display copy against a Lanczos resize of the full decode to its size."""
    upright = ImageOps.exif_transpose(Image.open(io.BytesIO(data)))
    quality = {}
    for name, pipeline in PIPELINES.items():
        display_jpeg, _ = pipeline(data)
        display = Image.open(io.BytesIO(display_jpeg)).convert("RGB")
        reference = upright.resize(display.size, Image.Resampling.LANCZOS)
        quality[name] = {
            "display_size": list(display.size),
            "display_bytes": len(display_jpeg),
            "psnr_db": round(psnr_db(display, reference), 2),
        }
    return quality


def time_pipelines(data: bytes, runs: int) -> dict[str, dict[str, float]]:
    for pipeline in PIPELINES.values():
        pipeline(data)  # warm-up: imports, plugin registration, first allocations
    wall: dict[str, list[float]] = {name: [] for name in PIPELINES}
    cpu: dict[str, list[float]] = {name: [] for name in PIPELINES}
    for run in range(runs):
        order = list(PIPELINES) if run % 2 == 0 else list(reversed(PIPELINES))
        for name in order:
            started_wall, started_cpu = time.perf_counter(), time.thread_time()
            PIPELINES[name](data)
            cpu[name].append(time.thread_time() - started_cpu)
            wall[name].append(time.perf_counter() - started_wall)
    return {
        name: {
            "median_wall_ms": statistics.median(wall[name]) * 1000,
            "min_wall_ms": min(wall[name]) * 1000,
            "median_cpu_ms": statistics.median(cpu[name]) * 1000,
        }
        for name in PIPELINES
    }


def tracemalloc_peak(name: str, data: bytes) -> int:
    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        PIPELINES[name](data)
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def _max_rss_bytes() -> int:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak if sys.platform == "darwin" else peak * 1024  # kilobytes on Linux


def _high_water_mark_bytes() -> int | None:
    """Linux's VmHWM: the peak RSS of this process image alone (ru_maxrss may carry the parent's
    peak over a vfork+exec, which is why the parent stays small until the children have run)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return None


def child(name: str, path: str) -> None:
    """Run in a fresh process: one pipeline, once, reporting the peak RSS before and after."""
    data = Path(path).read_bytes()
    before, before_hwm = _max_rss_bytes(), _high_water_mark_bytes()
    PIPELINES[name](data)
    print(
        json.dumps(
            {
                "before": before,
                "peak": _max_rss_bytes(),
                "before_hwm": before_hwm,
                "peak_hwm": _high_water_mark_bytes(),
            }
        )
    )


def generate(directory: str) -> None:
    """Run in a child process so the parent never holds 12 MP of pixels (see _high_water_mark_bytes)."""
    for name, data in make_photos().items():
        (Path(directory) / f"{name}.jpg").write_bytes(data)


def _run_self(*arguments: str) -> str:
    return subprocess.run(
        [sys.executable, __file__, *arguments], check=True, capture_output=True, text=True
    ).stdout


def rss_peak(name: str, path: Path) -> dict[str, int | None]:
    figures = json.loads(_run_self("--child", name, str(path)))
    hwm = figures["peak_hwm"]
    return {
        "peak_rss": figures["peak"],
        "peak_rss_over_baseline": figures["peak"] - figures["before"],
        "vm_hwm": hwm,
        "vm_hwm_over_baseline": None if hwm is None else hwm - figures["before_hwm"],
    }


def measure(runs: int) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as directory:
        _run_self("--generate", directory)
        files = {path.stem: path for path in sorted(Path(directory).glob("*.jpg"))}
        memory = {(photo, name): rss_peak(name, path) for photo, path in files.items() for name in PIPELINES}
        photos = {photo: path.read_bytes() for photo, path in files.items()}
    cases = []
    for photo_name, data in photos.items():
        check = process_photo_sync(data)
        timing = time_pipelines(data, runs)
        quality = display_quality(data)
        case: dict[str, Any] = {
            "photo": photo_name,
            "bytes": len(data),
            "size": list(SIZE),
            "ours_decoded_size": [check.decoded_width, check.decoded_height],
            "ours_display_size": [check.width, check.height],
            "pipelines": {},
        }
        for name in PIPELINES:
            case["pipelines"][name] = {
                **timing[name],
                **quality[name],
                "tracemalloc_peak": tracemalloc_peak(name, data),
                **memory[photo_name, name],
            }
        ours, naive = case["pipelines"]["ours"], case["pipelines"]["naive"]
        case["ratio_wall"] = ours["median_wall_ms"] / naive["median_wall_ms"]
        case["ratio_cpu"] = ours["median_cpu_ms"] / naive["median_cpu_ms"]
        case["within_budget"] = case["ratio_wall"] <= BUDGET
        cases.append(case)
    return {
        "benchmark": "photo_pipeline",
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "runs": runs,
        "budget_ratio": BUDGET,
        "python": platform.python_version(),
        "pillow": PIL.__version__,
        "cpu_count": os.cpu_count(),
        "load_average": list(os.getloadavg()),
        "cases": cases,
    }


def _mib(value: int) -> str:
    return f"{value / (1024 * 1024):.1f} MiB"


def markdown(results: dict[str, Any]) -> str:
    lines = [
        f"Photo pipeline, {results['runs']} runs each, Pillow {results['pillow']}, "
        f"{results['cpu_count']} CPUs, load average {results['load_average'][0]:.1f}",
        "",
        "| photo | pipeline | median wall | median CPU | display copy | PSNR | tracemalloc peak "
        "| peak RSS (ru_maxrss) | RSS over baseline | VmHWM over baseline |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for case in results["cases"]:
        for name, figures in case["pipelines"].items():
            lines.append(
                f"| {case['photo']} ({case['bytes'] / 1e6:.1f} MB) | {name} "
                f"| {figures['median_wall_ms']:.0f} ms | {figures['median_cpu_ms']:.0f} ms "
                f"| {'x'.join(map(str, figures['display_size']))}, {figures['display_bytes'] / 1000:.0f} kB "
                f"| {figures['psnr_db']:.2f} dB | {_mib(figures['tracemalloc_peak'])} "
                f"| {_mib(figures['peak_rss'])} "
                f"| {_mib(figures['peak_rss_over_baseline'])} "
                f"| {_mib(figures['vm_hwm_over_baseline']) if figures['vm_hwm'] else 'n/a'} |"
            )
    lines.append("")
    for case in results["cases"]:
        verdict = "within" if case["within_budget"] else "OVER"
        decoded = "x".join(map(str, case["ours_decoded_size"]))
        lines.append(
            f"- {case['photo']}: ours/naive {case['ratio_wall']:.2f} wall, {case['ratio_cpu']:.2f} CPU "
            f"({verdict} the {results['budget_ratio']} budget); ours decoded {decoded}."
        )
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--quick", action="store_true", help="3 runs each")
    parser.add_argument("--child", nargs=2, metavar=("PIPELINE", "PATH"), help=argparse.SUPPRESS)
    parser.add_argument("--generate", metavar="DIRECTORY", help=argparse.SUPPRESS)
    arguments = parser.parse_args()
    if arguments.child:
        child(*arguments.child)
        return 0
    if arguments.generate:
        generate(arguments.generate)
        return 0
    results = measure(3 if arguments.quick else arguments.runs)
    print(markdown(results))
    RESULTS_FILE.parent.mkdir(parents=True, exist_ok=True)
    RESULTS_FILE.write_text(json.dumps(results, indent=2) + "\n")
    print(f"\nwritten to {RESULTS_FILE.relative_to(ROOT)}")
    return 0 if all(case["within_budget"] for case in results["cases"]) else 3


if __name__ == "__main__":
    sys.exit(main())

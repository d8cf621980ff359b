#!/usr/bin/env python3
"""Create the benchmark's 10 Chinese prompts on a server and optionally save its list answer.

    seed.py BASE_URL CREATE_PATH [--token T] [--list-path P] [--save FILE]

Uses only the standard library so it runs before anything else is installed. Exits non-zero on any
answer that is not 201 (creation) or 200 (list), so the benchmark never measures a half-seeded server.
"""
import argparse
import json
import sys
import urllib.request

# Ten short story templates in Chinese, each with the {{user_name}} placeholder README's templates use.
PROMPTS = [
    "{{user_name}}，从前有一只住在竹林里的小熊猫，它最喜欢在月光下讲故事。",
    "给{{user_name}}讲一个关于勇敢的小狐狸穿越雪山寻找春天的故事。",
    "{{user_name}}，在遥远的海边小镇，有一座会唱歌的灯塔，每到夜晚就为渔船指路。",
    "请为{{user_name}}编一个关于会飞的纸船和下雨天的童话。",
    "{{user_name}}，小龙第一次学写毛笔字，却把墨水洒满了整个书房。",
    "讲给{{user_name}}听：一位老奶奶的茶馆里，每一杯茶都藏着一个秘密。",
    "{{user_name}}，星星掉进了村口的池塘，青蛙们决定把它送回天上。",
    "为{{user_name}}讲一个机器人在长城上看日出、学会了微笑的故事。",
    "{{user_name}}，熊猫邮递员骑着自行车，把一封迟到十年的信送到了山顶。",
    "请给{{user_name}}讲一个关于四季精灵轮流守护一棵古老银杏树的故事。",
]


def call(method, url, token, body=None):
    headers = {"Accept": "application/json"}
    if token:
        headers["Authorization"] = "Bearer " + token
    data = None
    if body is not None:
        headers["Content-Type"] = "application/json"
        data = json.dumps(body, ensure_ascii=False).encode("utf-8")
    req = urllib.request.Request(url, data=data, method=method, headers=headers)
    with urllib.request.urlopen(req, timeout=10) as resp:
        return resp.status, resp.read()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("base")
    ap.add_argument("create_path")
    ap.add_argument("--token", default="")
    ap.add_argument("--list-path")
    ap.add_argument("--save")
    args = ap.parse_args()
    for content in PROMPTS:
        status, body = call("POST", args.base + args.create_path, args.token, {"content": content})
        if status != 201:
            sys.exit(f"POST {args.create_path}: status {status}: {body[:200]!r}")
    if args.list_path:
        status, body = call("GET", args.base + args.list_path, args.token)
        items = json.loads(body)
        if status != 200 or len(items) != len(PROMPTS):
            sys.exit(f"GET {args.list_path}: status {status}, {len(items)} items, expected {len(PROMPTS)}")
        if args.save:
            # The exact bytes the server answered, so nginx serves the same body size.
            with open(args.save, "wb") as f:
                f.write(body)
        print(f"{len(items)} prompts, list body {len(body)} bytes")


if __name__ == "__main__":
    main()

"""The OpenAPI 3 document of `/api/v1/` (served at /api/v1/schema), written by hand so it says exactly what the
views do; the trust issue's schemathesis run checks the two against each other."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, JsonResponse
from django.views.decorators.http import require_GET

ERROR = {
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["code", "message"],
            "properties": {"code": {"type": "string"}, "message": {"type": "string"}},
        }
    },
}
NULLABLE_STR = {"type": ["string", "null"]}
NULLABLE_DATE = {"type": ["string", "null"], "format": "date"}
VALIDITIES = ["valid", "not_yet_effective", "amended", "repealed", "expired", "partially_invalid"]


def _list_of(ref: str) -> dict[str, Any]:
    return {
        "type": "object",
        "required": ["count", "next", "previous", "results"],
        "properties": {
            "count": {"type": "integer", "minimum": 0},
            "next": NULLABLE_STR,
            "previous": NULLABLE_STR,
            "results": {"type": "array", "items": {"$ref": f"#/components/schemas/{ref}"}},
        },
    }


RELATION = {
    "type": "object",
    "required": ["type", "direction", "external_id", "index_no", "title", "url"],
    "properties": {
        "type": {"enum": ["interprets", "amends", "repeals", "replaces"]},
        "direction": {"enum": ["out", "in"]},
        "external_id": {"type": "string"},
        "index_no": NULLABLE_STR,
        "title": {"type": "string"},
        "url": {"type": "string"},
    },
}
ITEM = {
    "type": "object",
    "required": [
        "id",
        "external_id",
        "index_no",
        "title",
        "org",
        "doc_no",
        "written_on",
        "published_at",
        "subject",
        "genre",
        "kind",
        "validity",
        "effective_on",
        "valid_until",
        "url",
    ],
    "properties": {
        "id": {"type": "integer"},
        "external_id": {"type": "string"},
        "index_no": NULLABLE_STR,
        "title": {"type": "string"},
        "org": {
            "type": "object",
            "required": ["code", "name"],
            "properties": {"code": {"type": "string"}, "name": {"type": "string"}},
        },
        "doc_no": {"type": "string"},
        "written_on": NULLABLE_DATE,
        "published_at": {"type": ["string", "null"], "format": "date-time"},
        "subject": {"type": "string"},
        "genre": {"type": "string"},
        "kind": {"enum": ["rule", "normative", "other"]},
        "validity": {
            "enum": ["valid", "not_yet_effective", "amended", "repealed", "expired", "partially_invalid"]
        },
        "effective_on": NULLABLE_DATE,
        "valid_until": NULLABLE_DATE,
        "url": {"type": "string"},
        "relations": {"type": "array", "items": RELATION},
    },
}
ORG = {
    "type": "object",
    "required": ["code", "name", "kind", "url"],
    "properties": {
        "code": {"type": "string"},
        "name": {"type": "string"},
        "short_name": {"type": "string"},
        "kind": {"enum": ["government", "department", "township", "public_institution"]},
        "level": {"type": "string"},
        "parent_code": NULLABLE_STR,
        "doc_prefix": {"type": "string"},
        "address": {"type": "string"},
        "postcode": {"type": "string"},
        "phone": {"type": "string"},
        "fax": {"type": "string"},
        "email": {"type": "string"},
        "office_hours": {"type": "string"},
        "website": {"type": "string"},
        "url": {"type": "string"},
    },
}
COLUMN = {
    "type": "object",
    "required": ["id", "org", "name", "path", "parent_id", "update_class", "url"],
    "properties": {
        "id": {"type": "integer"},
        "org": {"type": "string"},
        "name": {"type": "string"},
        "path": {"type": "string"},
        "parent_id": {"type": ["integer", "null"]},
        "update_class": {"enum": ["news", "notice", "yearly", "static"]},
        "statutory_code": {"type": "string"},
        "url": {"type": "string"},
    },
}


GAZETTE = {
    "type": "object",
    "required": ["id", "org", "year", "number", "title", "published_on", "pdf_url", "url", "items"],
    "properties": {
        "id": {"type": "integer"},
        "org": {
            "type": "object",
            "required": ["code", "name"],
            "properties": {"code": {"type": "string"}, "name": {"type": "string"}},
        },
        "year": {"type": "integer"},
        "number": {"type": "integer"},
        "title": {"type": "string"},
        "published_on": NULLABLE_DATE,
        "pdf_url": NULLABLE_STR,
        "url": {"type": "string"},
        "items": {"type": "array", "items": {"$ref": "#/components/schemas/Item"}},
    },
}
CATALOG_ROW = {
    "type": "object",
    "required": ["index_no", "title", "summary", "formed_on", "url"],
    "properties": {
        "index_no": NULLABLE_STR,
        "title": {"type": "string"},
        "summary": {"type": "string"},
        "formed_on": NULLABLE_DATE,
        "url": {"type": "string"},
    },
}


SEARCH_RESULT = {
    "type": "object",
    "required": ["query", "total", "results", "facets"],
    "properties": {
        "query": {"type": "string"},
        "total": {"type": "integer", "minimum": 0},
        "results": {
            "type": "array",
            "items": {
                "type": "object",
                "required": [
                    "external_id",
                    "index_no",
                    "title",
                    "doc_no",
                    "org",
                    "published_at",
                    "url",
                    "score",
                    "snippet",
                ],
                "properties": {
                    "external_id": {"type": "string"},
                    "index_no": NULLABLE_STR,
                    "title": {"type": "string"},
                    "doc_no": {"type": "string"},
                    "org": {
                        "type": "object",
                        "required": ["code", "name"],
                        "properties": {"code": {"type": "string"}, "name": {"type": "string"}},
                    },
                    "published_at": {"type": ["string", "null"]},
                    "url": {"type": "string"},
                    "score": {"type": "number"},
                    "snippet": {"type": "string"},
                },
            },
        },
        "facets": {"type": "object"},
    },
}


# ---------------------------------------------------------------- policy records (gongkai.policy.api, issue 7 §6–§8)

ORG_REF = {
    "type": "object",
    "required": ["code", "name"],
    "properties": {"code": {"type": "string"}, "name": {"type": "string"}},
}
NULLABLE_DATETIME = {"type": ["string", "null"], "format": "date-time"}


def _with_required(schema: dict[str, Any], *extra: str) -> dict[str, Any]:
    """A detail shape: the list shape plus fields only the detail carries."""
    return {**schema, "required": [*schema["required"], *extra]}


PROPOSAL = {
    "type": "object",
    "required": [
        "id",
        "external_id",
        "org",
        "co_handlers",
        "kind",
        "number",
        "session",
        "proposer_type",
        "proposer",
        "subject",
        "title",
        "reply_type",
        "reply_date",
        "published_at",
        "url",
    ],
    "properties": {
        "id": {"type": "integer"},
        "external_id": {"type": "string"},
        "org": ORG_REF,
        "co_handlers": {"type": "array", "items": ORG_REF},
        "kind": {"enum": ["suggestion", "proposal"]},
        "number": {"type": "integer", "minimum": 1},
        "session": {"type": "string"},
        "proposer_type": {"enum": ["npc_deputy", "cppcc_member", "party", "committee", "sector", "other"]},
        "proposer": {"type": "string"},
        "subject": {"type": "string"},
        "title": {"type": "string"},
        "reply_type": {"enum": ["A", "B", "C"]},
        "reply_date": {"type": "string", "format": "date"},
        "published_at": NULLABLE_DATETIME,
        "url": {"type": "string"},
        "body": {"type": "string"},
    },
}
_ABC = {
    "type": "object",
    "required": ["A", "B", "C", "total"],
    "properties": {k: {"type": "integer", "minimum": 0} for k in ("A", "B", "C", "total")},
}
_STATS_COUNTS = {
    "suggestion": _ABC,
    "proposal": _ABC,
    "total": {"type": "integer", "minimum": 0},
}
PROPOSAL_STATS = {
    "type": "object",
    "required": ["year", "rows", "total"],
    "properties": {
        "year": {"type": "integer"},
        "rows": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["org", "suggestion", "proposal", "total"],
                "properties": {"org": ORG_REF, **_STATS_COUNTS},
            },
        },
        "total": {
            "type": ["object", "null"],
            "required": ["suggestion", "proposal", "total"],
            "properties": _STATS_COUNTS,
        },
    },
}
GUIDE: dict[str, Any] = {
    "type": "object",
    "required": ["id", "external_id", "org", "name", "version", "published_at", "url"],
    "properties": {
        "id": {"type": "integer"},
        "external_id": {"type": "string"},
        "org": ORG_REF,
        "name": {"type": "string"},
        "version": {"type": "integer", "minimum": 1},
        "published_at": NULLABLE_DATETIME,
        "url": {"type": "string"},
    },
}
GUIDE_ELEMENT_KEYS = [
    "name",
    "basis",
    "conditions",
    "materials",
    "location",
    "handling_org",
    "fees",
    "hours",
    "phone",
    "process",
]
GUIDE_VERSION = {
    "type": "object",
    "required": [
        "id",
        "external_id",
        "org",
        "name",
        "version",
        "current_version",
        "note",
        "published_at",
        "elements",
        "versions",
        "url",
    ],
    "properties": {
        **GUIDE["properties"],
        "current_version": {"type": "integer", "minimum": 1},
        "note": {"type": "string"},
        "elements": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["key", "label", "text"],
                "properties": {
                    "key": {"enum": GUIDE_ELEMENT_KEYS},
                    "label": {"type": "string"},
                    "text": {"type": "string"},
                },
            },
        },
        "versions": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["number", "note", "published_at", "url"],
                "properties": {
                    "number": {"type": "integer"},
                    "note": {"type": "string"},
                    "published_at": NULLABLE_DATETIME,
                    "url": {"type": "string"},
                },
            },
        },
    },
}
POWER_CATEGORY_CODES = [
    "licensing",
    "penalty",
    "coercion",
    "levy",
    "benefit",
    "inspection",
    "confirmation",
    "reward",
    "adjudication",
    "other",
]
POWER_VERSION: dict[str, Any] = {
    "type": "object",
    "required": ["org", "version", "note", "published_at", "entry_count", "url"],
    "properties": {
        "org": ORG_REF,
        "version": {"type": "integer", "minimum": 1},
        "note": {"type": "string"},
        "published_at": NULLABLE_DATETIME,
        "entry_count": {"type": "integer", "minimum": 0},
        "url": {"type": "string"},
    },
}
POWER_LIST = {
    "type": "object",
    "required": [*POWER_VERSION["required"], "previous_version", "entries", "changes"],
    "properties": {
        **POWER_VERSION["properties"],
        "previous_version": {"type": ["integer", "null"]},
        "entries": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["key", "name", "category", "category_label", "basis", "responsible", "remarks"],
                "properties": {
                    "key": {"type": "string"},
                    "name": {"type": "string"},
                    "category": {"enum": POWER_CATEGORY_CODES},
                    "category_label": {"type": "string"},
                    "basis": {"type": "string"},
                    "responsible": ORG_REF,
                    "remarks": {"type": "string"},
                },
            },
        },
        "changes": {
            "type": "object",
            "required": ["added", "removed", "changed"],
            "properties": {
                "added": {"type": "array", "items": {"type": "string"}},
                "removed": {"type": "array", "items": {"type": "string"}},
                "changed": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "required": ["key", "name", "fields"],
                        "properties": {
                            "key": {"type": "string"},
                            "name": {"type": "string"},
                            "fields": {
                                "type": "array",
                                "items": {
                                    "type": "object",
                                    "required": ["field", "before", "after"],
                                    "properties": {
                                        "field": {"type": "string"},
                                        "before": NULLABLE_STR,
                                        "after": NULLABLE_STR,
                                    },
                                },
                            },
                        },
                    },
                },
            },
        },
    },
}
POLICY_QA = {
    "type": "object",
    "required": ["id", "external_id", "org", "title", "question", "cites_invalid", "published_at", "url"],
    "properties": {
        "id": {"type": "integer"},
        "external_id": {"type": "string"},
        "org": ORG_REF,
        "title": {"type": "string"},
        "question": {"type": "string"},
        "cites_invalid": {"type": "boolean"},
        "published_at": NULLABLE_DATETIME,
        "url": {"type": "string"},
        "answer": {"type": "string"},
        "citations": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["ref", "public", "validity", "item", "warning"],
                "properties": {
                    "ref": {"type": "string"},
                    "public": {"type": "boolean"},
                    "validity": {"enum": [*VALIDITIES, None]},
                    "item": {
                        "type": ["object", "null"],
                        "required": ["external_id", "index_no", "title", "url"],
                        "properties": {
                            "external_id": {"type": "string"},
                            "index_no": NULLABLE_STR,
                            "title": {"type": "string"},
                            "url": {"type": "string"},
                        },
                    },
                    "replaced_by": {
                        "type": ["object", "null"],
                        "required": ["external_id", "title", "url"],
                        "properties": {
                            "external_id": {"type": "string"},
                            "title": {"type": "string"},
                            "url": {"type": "string"},
                        },
                    },
                    "warning": {"type": "string"},
                },
            },
        },
    },
}


def _param(
    name: str, schema: dict[str, Any], description: str, where: str = "query", required: bool = False
) -> dict[str, Any]:
    return {"name": name, "in": where, "required": required, "schema": schema, "description": description}


PAGING = [
    _param("page", {"type": "integer", "minimum": 1}, "页码"),
    _param("page_size", {"type": "integer", "minimum": 1, "maximum": 100}, "每页条数（最多 100）"),
]


def _responses(ok_ref: dict[str, Any], *codes: int) -> dict[str, Any]:
    out: dict[str, Any] = {
        "200": {"description": "成功", "content": {"application/json": {"schema": ok_ref}}}
    }
    for code in codes:
        out[str(code)] = {"description": "错误", "content": {"application/json": {"schema": ERROR}}}
    out["429"] = {"description": "请求过于频繁", "content": {"application/json": {"schema": ERROR}}}
    return out


def paths() -> dict[str, Any]:
    ref = lambda name: {"$ref": f"#/components/schemas/{name}"}  # noqa: E731
    return {
        "/api/v1/organizations": {
            "get": {
                "summary": "机关列表",
                "parameters": PAGING,
                "responses": _responses(_list_of("Organization"), 400),
            }
        },
        "/api/v1/organizations/{code}": {
            "get": {
                "summary": "机关详情",
                "parameters": [_param("code", {"type": "string"}, "机构代码", "path", True)],
                "responses": _responses(ref("Organization"), 404),
            }
        },
        "/api/v1/organizations/{code}/catalog": {
            "get": {
                "summary": "主动公开基本目录",
                "parameters": [_param("code", {"type": "string"}, "机构代码", "path", True), *PAGING],
                "responses": _responses(_list_of("CatalogRow"), 400, 404),
            }
        },
        "/api/v1/gazette": {
            "get": {
                "summary": "政府公报（已发布的各期及目录）",
                "parameters": [
                    _param("year", {"type": "integer", "minimum": 1949, "maximum": 2200}, "年份"),
                    _param("org", {"type": "string"}, "编印机关代码"),
                    *PAGING,
                ],
                "responses": _responses(_list_of("GazetteIssue"), 400),
            }
        },
        "/api/v1/search": {
            "get": {
                "summary": "全文检索（已主动公开的政府信息）",
                "parameters": [
                    _param("q", {"type": "string"}, "检索词；文号、索引号可直接输入"),
                    _param("within", {"type": "string"}, "在结果中检索"),
                    _param("org", {"type": "string"}, "机构代码"),
                    _param("subject", {"type": "string"}, "主题分类"),
                    _param("genre", {"type": "string"}, "公文种类"),
                    _param("year", {"type": "integer", "minimum": 1000, "maximum": 9999}, "发布年份"),
                    _param("validity", {"enum": VALIDITIES}, "当前有效性"),
                    _param("column", {"type": "integer", "minimum": 1}, "栏目编号"),
                    _param("published_after", {"type": "string", "format": "date"}, "发布日期不早于"),
                    _param("published_before", {"type": "string", "format": "date"}, "发布日期不晚于"),
                    _param("sort", {"enum": ["relevance", "date"]}, "排序"),
                    *PAGING,
                ],
                "responses": _responses(SEARCH_RESULT, 400),
            }
        },
        "/api/v1/columns": {
            "get": {
                "summary": "栏目列表",
                "parameters": [_param("org", {"type": "string"}, "机构代码"), *PAGING],
                "responses": _responses(_list_of("Column"), 400),
            }
        },
        "/api/v1/items": {
            "get": {
                "summary": "政府信息列表（已主动公开）",
                "parameters": [
                    _param("org", {"type": "string"}, "机构代码"),
                    _param("column", {"type": "integer", "minimum": 1}, "栏目编号（含子栏目）"),
                    _param("subject", {"type": "string"}, "主题分类（父 或 父\\子）"),
                    _param("kind", {"enum": ["rule", "normative", "other"]}, "文件类别"),
                    _param("validity", {"enum": VALIDITIES}, "当前有效性"),
                    _param("published_after", {"type": "string", "format": "date"}, "发布日期不早于"),
                    _param("published_before", {"type": "string", "format": "date"}, "发布日期不晚于"),
                    _param("external_id", {"type": "string"}, "外部编号"),
                    *PAGING,
                ],
                "responses": _responses(_list_of("Item"), 400),
            }
        },
        "/api/v1/items/{id}": {
            "get": {
                "summary": "政府信息详情（含双向关联）",
                "parameters": [_param("id", {"type": "integer"}, "信息编号", "path", True)],
                "responses": _responses(ref("Item"), 404),
            }
        },
    }


def policy_paths() -> dict[str, Any]:
    """建议提案办理结果, 办事指南, 权责清单, 政策问答 and one 公报 issue (gongkai.policy.api)."""
    ref = lambda name: {"$ref": f"#/components/schemas/{name}"}  # noqa: E731

    def _get(summary: str, parameters: list[dict[str, Any]], responses: dict[str, Any]) -> dict[str, Any]:
        return {"get": {"summary": summary, "parameters": parameters, "responses": responses}}

    org = _param("org", {"type": "string"}, "机构代码")
    year = _param("year", {"type": "integer", "minimum": 1949, "maximum": 2200}, "年份")
    pk = _param("id", {"type": "integer"}, "编号", "path", True)
    code = _param("code", {"type": "string"}, "机构代码", "path", True)
    return {
        "/api/v1/proposals": _get(
            "建议提案办理结果（已公开的答复）",
            [
                _param("org", {"type": "string"}, "承办或协办单位代码"),
                _param("year", {"type": "integer", "minimum": 1949, "maximum": 2200}, "答复年份"),
                _param("kind", {"enum": ["suggestion", "proposal"]}, "建议或提案"),
                _param("reply_type", {"enum": ["A", "B", "C"]}, "答复类型"),
                *PAGING,
            ],
            _responses(_list_of("Proposal"), 400),
        ),
        "/api/v1/proposals/{id}": _get("建议提案答复全文", [pk], _responses(ref("ProposalDetail"), 404)),
        "/api/v1/proposals/stats": _get(
            "建议提案办理情况统计（按承办单位、类别和答复类型）",
            [_param("year", year["schema"], "答复年份（默认为最近有答复的年份）"), org],
            _responses(ref("ProposalStats"), 400),
        ),
        "/api/v1/service-guides": _get(
            "办事指南（已发布的当前版本）",
            [org, _param("year", year["schema"], "当前版本的发布年份"), *PAGING],
            _responses(_list_of("ServiceGuide"), 400),
        ),
        "/api/v1/service-guides/{id}": _get(
            "办事指南当前版本（R-WEB-4 十项要素）及版本历史",
            [pk],
            _responses(ref("ServiceGuideVersion"), 404),
        ),
        "/api/v1/service-guides/{id}/versions/{number}": _get(
            "办事指南的某一历史版本",
            [pk, _param("number", {"type": "integer"}, "版本号", "path", True)],
            _responses(ref("ServiceGuideVersion"), 404),
        ),
        "/api/v1/powers": _get(
            "权责清单各机关已发布的版本",
            [org, _param("year", year["schema"], "版本发布年份"), *PAGING],
            _responses(_list_of("PowerListVersion"), 400),
        ),
        "/api/v1/organizations/{code}/powers": _get(
            "机关现行权责清单（含与上一版本的差异）", [code], _responses(ref("PowerList"), 404)
        ),
        "/api/v1/organizations/{code}/powers/{number}": _get(
            "机关权责清单的某一版本（含与上一版本的差异）",
            [code, _param("number", {"type": "integer"}, "版本号", "path", True)],
            _responses(ref("PowerList"), 404),
        ),
        "/api/v1/policy-qa": _get(
            "政策问答",
            [
                _param("q", {"type": "string", "maxLength": 100}, "标题、问题或答复包含的文字"),
                org,
                _param("year", year["schema"], "发布年份"),
                *PAGING,
            ],
            _responses(_list_of("PolicyQA"), 400),
        ),
        "/api/v1/policy-qa/{id}": _get(
            "政策问答详情（所引文件的当前有效性）", [pk], _responses(ref("PolicyQADetail"), 404)
        ),
        "/api/v1/gazette/{id}": _get("政府公报某一期及其目录", [pk], _responses(ref("GazetteIssue"), 404)),
    }


def document() -> dict[str, Any]:
    all_paths = {**paths(), **policy_paths()}
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Gongkai 政务公开平台 API",
            "version": "1",
            "description": "只读公开接口；错误返回 {error: {code, message}}。",
        },
        "paths": all_paths,
        "components": {
            "schemas": {
                "Item": ITEM,
                "Organization": ORG,
                "Column": COLUMN,
                "Error": ERROR,
                "GazetteIssue": GAZETTE,
                "CatalogRow": CATALOG_ROW,
                "Proposal": PROPOSAL,
                "ProposalDetail": _with_required(PROPOSAL, "body"),
                "ProposalStats": PROPOSAL_STATS,
                "ServiceGuide": GUIDE,
                "ServiceGuideVersion": GUIDE_VERSION,
                "PowerListVersion": POWER_VERSION,
                "PowerList": POWER_LIST,
                "PolicyQA": POLICY_QA,
                "PolicyQADetail": _with_required(POLICY_QA, "answer", "citations"),
            }
        },
    }


@require_GET
def schema_view(request: HttpRequest) -> JsonResponse:
    return JsonResponse(document(), json_dumps_params={"ensure_ascii": False})

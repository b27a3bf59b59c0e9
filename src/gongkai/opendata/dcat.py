"""DCAT-AP output of the catalog and of single datasets, built with rdflib (issue 9 §5)."""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.urls import reverse
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF, SKOS, XSD

from gongkai.opendata import rules
from gongkai.opendata.models import Dataset, Resource

VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
SPDX = Namespace("http://spdx.org/rdf/terms#")
ADMS = Namespace("http://www.w3.org/ns/adms#")
EU_FREQ = Namespace("http://publications.europa.eu/resource/authority/frequency/")
EU_ACCESS = Namespace("http://publications.europa.eu/resource/authority/access-right/")
EU_FILETYPE = Namespace("http://publications.europa.eu/resource/authority/file-type/")
MEDIA_TYPES = {
    "CSV": "text/csv",
    "XLSX": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "JSON": "application/json",
    "XML": "application/xml",
    "PDF": "application/pdf",
    "SHP": "application/zip",
}
FORMATS = {
    "rdf": ("xml", "application/rdf+xml"),
    "ttl": ("turtle", "text/turtle"),
    "jsonld": ("json-ld", "application/ld+json"),
}


def base_url() -> str:
    return str(getattr(settings, "GONGKAI_BASE_URL", "http://127.0.0.1:8000")).rstrip("/")


def dataset_uri(dataset: Dataset) -> URIRef:
    return URIRef(base_url() + reverse("opendata:dataset", kwargs={"name": dataset.name}))


def _graph() -> Graph:
    g = Graph()
    for prefix, ns in (
        ("dcat", DCAT),
        ("dct", DCTERMS),
        ("foaf", FOAF),
        ("vcard", VCARD),
        ("spdx", SPDX),
        ("skos", SKOS),
        ("adms", ADMS),
    ):
        g.bind(prefix, ns)
    return g


def _lit(value: str) -> Literal:
    return Literal(value, lang="zh")


def _distribution(g: Graph, resource: Resource, dataset_node: URIRef) -> URIRef:
    base = base_url()
    node = URIRef(f"{dataset_node}#resource-{resource.pk}")
    g.add((dataset_node, DCAT.distribution, node))
    g.add((node, RDF.type, DCAT.Distribution))
    g.add((node, DCTERMS.title, _lit(resource.name)))
    if resource.description:
        g.add((node, DCTERMS.description, _lit(resource.description)))
    if resource.file:
        filename = resource.file.name.rsplit("/", 1)[-1]
        url = base + reverse(
            "opendata:download",
            kwargs={"name": resource.dataset.name, "pk": resource.pk, "filename": filename},
        )
        g.add((node, DCAT.downloadURL, URIRef(url)))
        g.add((node, DCAT.accessURL, URIRef(url)))
        g.add((node, DCAT.byteSize, Literal(resource.size, datatype=XSD.nonNegativeInteger)))
        checksum = BNode()
        g.add((node, SPDX.checksum, checksum))
        g.add((checksum, RDF.type, SPDX.Checksum))
        g.add((checksum, SPDX.algorithm, SPDX.checksumAlgorithm_sha256))
        g.add((checksum, SPDX.checksumValue, Literal(resource.sha256, datatype=XSD.hexBinary)))
    elif resource.url and resource.dataset.open_type != "conditional":
        # A 有条件开放 dataset's links are not published: its landing page tells how to apply.
        g.add((node, DCAT.accessURL, URIRef(resource.url)))
    if resource.format:
        g.add((node, DCTERMS["format"], EU_FILETYPE[resource.format.upper()]))
        if resource.format in MEDIA_TYPES:
            g.add(
                (
                    node,
                    DCAT.mediaType,
                    URIRef(f"https://www.iana.org/assignments/media-types/{MEDIA_TYPES[resource.format]}"),
                )
            )
    g.add((node, DCTERMS.license, URIRef(_license_uri(resource.dataset.license_id))))
    g.add((node, DCTERMS.issued, Literal(resource.created_at.isoformat(), datatype=XSD.dateTime)))
    g.add((node, DCTERMS.modified, Literal(resource.modified_at.isoformat(), datatype=XSD.dateTime)))
    return node


def _license_uri(license_id: str) -> str:
    if license_id.startswith(("http://", "https://")):
        return license_id
    return f"{base_url()}/data/licenses/{license_id}"


def add_dataset(g: Graph, dataset: Dataset) -> URIRef:
    node = dataset_uri(dataset)
    g.add((node, RDF.type, DCAT.Dataset))
    g.add((node, DCTERMS.identifier, Literal(dataset.name)))
    g.add((node, DCTERMS.title, _lit(dataset.title)))
    g.add((node, DCTERMS.description, _lit(dataset.description or dataset.title)))
    g.add((node, DCAT.landingPage, node))
    if dataset.published_at:
        g.add((node, DCTERMS.issued, Literal(dataset.published_at.isoformat(), datatype=XSD.dateTime)))
    g.add((node, DCTERMS.modified, Literal(dataset.modified_at.isoformat(), datatype=XSD.dateTime)))
    publisher = URIRef(f"{base_url()}/orgs/{dataset.org.code}/")
    g.add((node, DCTERMS.publisher, publisher))
    g.add((publisher, RDF.type, FOAF.Agent))
    g.add((publisher, FOAF.name, _lit(dataset.org.name)))
    g.add((publisher, DCTERMS.identifier, Literal(dataset.org.code)))
    for tag in dataset.tags.all():
        g.add((node, DCAT.keyword, _lit(tag.name)))
    for word, scheme in ((dataset.subject, "subject"), (dataset.domain, "domain")):
        if word:
            theme = URIRef(f"{base_url()}/data/themes/{scheme}/{word}")
            g.add((node, DCAT.theme, theme))
            g.add((theme, RDF.type, SKOS.Concept))
            g.add((theme, SKOS.prefLabel, _lit(word)))
    g.add((node, DCTERMS.accrualPeriodicity, EU_FREQ[rules.FREQUENCIES[dataset.update_frequency][2]]))
    g.add(
        (
            node,
            DCTERMS.accessRights,
            EU_ACCESS["PUBLIC" if dataset.open_type == "unconditional" else "RESTRICTED"],
        )
    )
    g.add((node, DCTERMS.license, URIRef(_license_uri(dataset.license_id))))
    if dataset.temporal_start or dataset.temporal_end:
        period = BNode()
        g.add((node, DCTERMS.temporal, period))
        g.add((period, RDF.type, DCTERMS.PeriodOfTime))
        if dataset.temporal_start:
            g.add((period, DCAT.startDate, Literal(dataset.temporal_start.isoformat(), datatype=XSD.date)))
        if dataset.temporal_end:
            g.add((period, DCAT.endDate, Literal(dataset.temporal_end.isoformat(), datatype=XSD.date)))
    if dataset.spatial:
        place = BNode()
        g.add((node, DCTERMS.spatial, place))
        g.add((place, RDF.type, DCTERMS.Location))
        g.add((place, SKOS.prefLabel, _lit(dataset.spatial)))
    if dataset.contact_name or dataset.contact_email or dataset.contact_phone:
        contact = BNode()
        g.add((node, DCAT.contactPoint, contact))
        g.add((contact, RDF.type, VCARD.Kind))
        g.add((contact, VCARD.fn, _lit(dataset.contact_name or dataset.org.name)))
        if dataset.contact_email:
            g.add((contact, VCARD.hasEmail, URIRef(f"mailto:{dataset.contact_email}")))
        if dataset.contact_phone:
            g.add((contact, VCARD.hasTelephone, Literal(dataset.contact_phone)))
    for resource in dataset.resources.all():
        _distribution(g, resource, node)
    return node


def catalog_graph(datasets: Iterable[Dataset]) -> Graph:
    from django.conf import settings as s

    g = _graph()
    catalog = URIRef(f"{base_url()}/catalog")
    g.add((catalog, RDF.type, DCAT.Catalog))
    g.add((catalog, DCTERMS.title, _lit(f"{getattr(s, 'GONGKAI_SITE_NAME', '政务公开平台')}数据目录")))
    g.add((catalog, DCTERMS.description, _lit("本平台各单位开放的数据集。")))
    g.add((catalog, FOAF.homepage, URIRef(f"{base_url()}/data/")))
    g.add(
        (catalog, DCTERMS.language, URIRef("http://publications.europa.eu/resource/authority/language/ZHO"))
    )
    publisher = URIRef(f"{base_url()}/")
    g.add((catalog, DCTERMS.publisher, publisher))
    g.add((publisher, RDF.type, FOAF.Agent))
    g.add((publisher, FOAF.name, _lit(getattr(s, "GONGKAI_SITE_NAME", "政务公开平台"))))
    for dataset in datasets:
        g.add((catalog, DCAT.dataset, add_dataset(g, dataset)))
    return g


def dataset_graph(dataset: Dataset) -> Graph:
    g = _graph()
    add_dataset(g, dataset)
    return g


def serialize(g: Graph, fmt: str) -> tuple[bytes, str]:
    rdflib_format, content_type = FORMATS[fmt]
    data = g.serialize(format=rdflib_format, encoding="utf-8")
    return data, content_type

"""DCAT-AP output parsed back with rdflib."""

from datetime import date

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib import namespace as ns

from gongkai.opendata import dcat, services
from tests.opendata.conftest import CSV_TEXT, make_dataset

FORMATS = {"ttl": "turtle", "rdf": "xml", "jsonld": "json-ld"}


@pytest.fixture
def dataset(agency):
    ds = make_dataset(
        agency,
        tags=["公交"],
        subject="交通运输",
        update_frequency="monthly",
        temporal_start=date(2025, 1, 1),
        temporal_end=date(2025, 12, 31),
        spatial="全市",
        contact_name="张三",
        contact_email="data@example.gov.cn",
    )
    services.resource_create(
        actor=agency.publisher, dataset=ds, name="线路表", upload_name="lines.csv", data=CSV_TEXT.encode()
    )
    return ds


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_catalog_parses_back(client, dataset, fmt):
    response = client.get(f"/catalog.{fmt}")
    assert response.status_code == 200
    g = Graph().parse(data=response.content, format=FORMATS[fmt])
    catalogs = list(g.subjects(ns.RDF.type, ns.DCAT.Catalog))
    assert len(catalogs) == 1
    ds = URIRef("http://testserver/dataset/bus-lines/")
    assert (catalogs[0], ns.DCAT.dataset, ds) in g
    assert (ds, ns.RDF.type, ns.DCAT.Dataset) in g
    assert (ds, ns.DCTERMS.title, Literal("公交线路", lang="zh")) in g
    assert (ds, ns.DCAT.keyword, Literal("公交", lang="zh")) in g
    assert (ds, ns.DCTERMS.accrualPeriodicity, dcat.EU_FREQ.MONTHLY) in g
    assert (ds, ns.DCTERMS.accessRights, dcat.EU_ACCESS.PUBLIC) in g
    publisher = g.value(ds, ns.DCTERMS.publisher)
    assert g.value(publisher, ns.FOAF.name) == Literal("数据局", lang="zh")
    dist = g.value(ds, ns.DCAT.distribution)
    assert (dist, ns.RDF.type, ns.DCAT.Distribution) in g
    assert str(g.value(dist, ns.DCAT.downloadURL)).startswith("http://testserver/dataset/bus-lines/resource/")
    assert int(g.value(dist, ns.DCAT.byteSize)) == len(CSV_TEXT.encode())
    checksum = g.value(dist, dcat.SPDX.checksum)
    assert len(str(g.value(checksum, dcat.SPDX.checksumValue))) == 64
    period = g.value(ds, ns.DCTERMS.temporal)
    assert str(g.value(period, ns.DCAT.startDate)) == "2025-01-01"
    assert g.value(ds, ns.DCAT.contactPoint) is not None


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_single_dataset(client, dataset, fmt):
    response = client.get(f"/dataset/bus-lines.{fmt}")
    assert response.status_code == 200
    g = Graph().parse(data=response.content, format=FORMATS[fmt])
    assert list(g.subjects(ns.RDF.type, ns.DCAT.Dataset)) == [URIRef("http://testserver/dataset/bus-lines/")]
    assert not list(g.subjects(ns.RDF.type, ns.DCAT.Catalog))


def test_drafts_are_not_in_the_catalog(client, agency):
    services.dataset_create(
        actor=agency.staff, org=agency.org, data=services.DatasetData(name="secret", title="草稿")
    )
    g = Graph().parse(data=client.get("/catalog.ttl").content, format="turtle")
    assert not list(g.subjects(ns.RDF.type, ns.DCAT.Dataset))
    assert client.get("/dataset/secret.ttl").status_code == 404

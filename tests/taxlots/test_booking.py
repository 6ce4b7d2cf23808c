"""Lot relief (TAX_RULES.md R3.7, C8, C7): FIFO, HIFO, specific identification, one table."""

from datetime import date
from decimal import Decimal

from portfolios.taxlots.booking import (
    BOOKING_METHODS,
    BookingError,
    LotList,
    book,
    book_fifo,
    book_hifo,
    book_specific,
)
from portfolios.taxlots.values import OpenLot

D = date.fromisoformat
Q = Decimal


def lot(seq, purchase, qty, basis, acquired=None):
    return OpenLot("P-TAX", "X", Q(qty), Q(basis), D(acquired or purchase), D(purchase), seq)


def taken(relief):
    assert not isinstance(relief, BookingError), relief
    return [(x.purchase_seq, str(q)) for x, q in relief]


LOTS = LotList(
    [
        lot(3, "2025-03-01", 10, 95, acquired="2024-11-02"),  # tacked replacement (C8)
        lot(1, "2025-01-06", 10, 100),
        lot(2, "2025-02-03", 10, 150),
        lot(4, "2025-03-01", 5, 60),
    ]
)


def test_booking_table_maps_every_method_to_one_function():
    table = dict(BOOKING_METHODS)
    assert table == {"fifo": book_fifo, "hifo": book_hifo, "specific": book_specific}


def test_r3_7_fifo_takes_in_purchase_order_across_lots():
    assert taken(book_fifo(LOTS, Q(25))) == [(1, "10"), (2, "10"), (3, "5")]


def test_c8_fifo_uses_purchase_order_not_the_tacked_start():
    """Lot 3 starts 2024-11-02 after tacking but was bought last: it goes after lots 1-2."""
    assert taken(book_fifo(LOTS, Q(12))) == [(1, "10"), (2, "2")]


def test_hifo_takes_highest_per_share_basis_first():
    # per share: lot 2 15.00, lot 4 12.00, lot 1 10.00, lot 3 9.50
    assert taken(book_hifo(LOTS, Q(17))) == [(2, "10"), (4, "5"), (1, "2")]


def test_hifo_ties_go_in_purchase_order():
    lots = LotList([lot(2, "2025-02-01", 10, 100), lot(1, "2025-01-01", 4, 40)])
    assert taken(book_hifo(lots, Q(6))) == [(1, "4"), (2, "2")]


def test_r3_7_specific_identification_closes_the_lots_of_that_date_fifo_among_them():
    assert taken(book_specific(LOTS, Q(12), D("2025-03-01"))) == [(3, "10"), (4, "2")]


def test_specific_without_a_lot_date_is_fifo():
    assert taken(book_specific(LOTS, Q(12))) == taken(book_fifo(LOTS, Q(12)))


def test_a_named_lot_wins_over_the_account_method():
    assert taken(book(LOTS, Q(3), method="hifo", lot_date=D("2025-01-06"))) == [(1, "3")]


def test_specific_date_with_no_open_lot_is_an_error_on_lot():
    error = book_specific(LOTS, Q(1), D("2025-01-07"))
    assert isinstance(error, BookingError) and error.field == "lot"


def test_specific_date_with_too_few_shares_is_an_error_on_quantity():
    error = book_specific(LOTS, Q(11), D("2025-01-06"))
    assert isinstance(error, BookingError) and error.field == "quantity"


def test_selling_more_than_the_position_is_an_error_on_quantity():
    error = book_fifo(LOTS, Q(36))
    assert isinstance(error, BookingError) and error.field == "quantity"
    assert "35" in error.message


def test_unknown_method_and_non_positive_quantity_are_errors():
    assert book(LOTS, Q(1), method="lifo").field == "lot_method"
    assert book(LOTS, Q(0), method="fifo").field == "quantity"


def test_booking_never_changes_the_lots():
    before = list(LOTS)
    book_fifo(LOTS, Q(30))
    book_hifo(LOTS, Q(30))
    assert list(LOTS) == before

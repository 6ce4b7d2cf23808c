"""The API's one base class, its error format, and the household and token endpoints.

Every API view mixes in `ScopedAPIMixin` (DESIGN.md rule 6, the netbox idea): its queryset
is restricted to the households `advisors.access.visible_households` allows, so an object
outside the user's scope answers 404; a write on an object the user sees but may not act
on answers 403 (`access.require_act`). Sign-in is by session (browser) or token (scripts,
`Authorization: Token <key>`); token clients are throttled at the "token" rate.

Errors are JSON: `{"message": ..., "code": ...}`, validation errors add
`"fields": {name: [messages]}` and a refused file `"problems": [{row, field, message}]`.
Domain refusals map to statuses here, once: `ProposalRefused` and `HarvestError` → 409,
`SwapListRefused`, `FileErrors` and `InputError` → 400.
"""

from __future__ import annotations

import json

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, parsers, status, viewsets
from rest_framework.authentication import SessionAuthentication, TokenAuthentication
from rest_framework.pagination import PageNumberPagination
from rest_framework.permissions import SAFE_METHODS, BasePermission
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle
from rest_framework.views import APIView
from rest_framework.views import exception_handler as drf_exception_handler

from advisors import access, services
from advisors.filters import HouseholdFilter
from advisors.models import Household
from advisors.serializers import (
    ErrorSerializer,
    HouseholdDetailSerializer,
    HouseholdSerializer,
    TokenSerializer,
)
from harvesting.services import HarvestError, ProposalRefused, SwapListRefused
from portfolios.imports.errors import FileErrors
from portfolios.taxlots.money import InputError

# --- errors ----------------------------------------------------------------------------------


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = "The request conflicts with the current state."
    default_code = "conflict"


class FileRefused(exceptions.APIException):
    status_code = status.HTTP_400_BAD_REQUEST
    default_detail = "Refused, nothing was changed."
    default_code = "file_refused"

    def __init__(self, problems):
        super().__init__()
        self.problems = [p.as_dict() for p in problems]


def _translate(exc):
    """Domain exceptions → API exceptions (one table for every endpoint)."""
    if isinstance(exc, FileErrors):
        return FileRefused(exc.problems)
    if isinstance(exc, InputError):
        return exceptions.ValidationError({exc.field: [exc.message]})
    if isinstance(exc, (ProposalRefused, HarvestError)):
        return Conflict(str(exc))
    if isinstance(exc, SwapListRefused):
        return exceptions.ValidationError({"swap_list": [str(exc)]})
    if isinstance(exc, Http404):
        return exceptions.NotFound(*(exc.args or ("Not found.",)))
    if isinstance(exc, DjangoPermissionDenied):
        return exceptions.PermissionDenied(*(exc.args or ()))
    return exc


def _flatten(detail, prefix: str = "") -> dict[str, list[str]]:
    """DRF's nested error detail → {"a.b": ["message", ...]}."""
    out: dict[str, list[str]] = {}
    if isinstance(detail, dict):
        for key, value in detail.items():
            name = f"{prefix}.{key}" if prefix else str(key)
            for field, messages in _flatten(value, name).items():
                out.setdefault(field, []).extend(messages)
    elif isinstance(detail, list):
        for index, value in enumerate(detail):
            if isinstance(value, (dict, list)):
                name = f"{prefix}[{index}]" if prefix else f"[{index}]"
                for field, messages in _flatten(value, name).items():
                    out.setdefault(field, []).extend(messages)
            else:
                out.setdefault(prefix or api_settings.NON_FIELD_ERRORS_KEY, []).append(str(value))
    else:
        out.setdefault(prefix or api_settings.NON_FIELD_ERRORS_KEY, []).append(str(detail))
    return out


def exception_handler(exc, context):
    exc = _translate(exc)
    response = drf_exception_handler(exc, context)
    if response is None:
        return None  # a bug: Django's 500
    body: dict = {"code": getattr(exc, "default_code", "error")}
    if isinstance(exc, exceptions.ValidationError):
        fields = _flatten(exc.detail)
        body["code"] = "invalid"
        body["message"] = "; ".join(
            ", ".join(messages) if name == api_settings.NON_FIELD_ERRORS_KEY
            else f"{name}: {', '.join(messages)}"
            for name, messages in fields.items()
        ) or "Invalid input."
        body["fields"] = fields
    elif isinstance(exc, FileRefused):
        body["message"] = "Refused, nothing was changed: " + "; ".join(
            f"{p['row']}: {p['field']}: {p['message']}" if p["row"] else f"{p['field']}: {p['message']}"
            for p in exc.problems[:20]
        )
        body["problems"] = exc.problems
    else:
        detail = getattr(exc, "detail", "")
        body["message"] = str(detail) if not isinstance(detail, (dict, list)) else json.dumps(detail)
        if hasattr(detail, "code") and detail.code:
            body["code"] = detail.code
    response.data = body
    return response


# --- the pieces of the base class -------------------------------------------------------------


class HouseholdPolicy(BasePermission):
    """Signed in to read what the queryset shows; acting on an object is `access.require_act`."""

    def has_permission(self, request, view) -> bool:
        user = request.user
        return bool(user and user.is_authenticated and user.is_active)

    def has_object_permission(self, request, view, obj) -> bool:
        if request.method in SAFE_METHODS:
            return True
        household = view.household_of(obj)
        if household is not None:
            access.require_act(request.user, household)  # visible but not actionable: 403
        return True


class TokenRateThrottle(SimpleRateThrottle):
    """Throttles token clients only (scripts, integrations), at the "token" rate in settings."""

    scope = "token"

    def __init__(self) -> None:  # the rate is read per request, so settings overrides apply
        pass

    def get_rate(self):
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)

    def allow_request(self, request, view) -> bool:
        if not isinstance(request.successful_authenticator, TokenAuthentication):
            return True
        self.rate = self.get_rate()
        if self.rate is None:
            return True
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request, view)

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": request.user.pk}


class Pagination(PageNumberPagination):
    page_size_query_param = "page_size"
    max_page_size = 500


class ApiSchema(AutoSchema):
    """Documents the error answers every operation can give, in the one error format."""

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        codes = ["400", "401", "403", "404", "429"]
        if self.method not in SAFE_METHODS:
            codes.append("409")
        for code in codes:
            if code not in responses:
                responses[code] = self._get_response_for_code(ErrorSerializer, code)
        return responses


class ExactJSONParser(parsers.JSONParser):
    """JSON whose binary floats survive parsing to be refused naming their field.

    `7.5` stays a Python float, so `parse_decimal` (and the file validators) refuse it with
    the field's name (FORMATS.md general rules); NaN and Infinity likewise arrive as floats.
    """

    def parse(self, stream, media_type=None, parser_context=None):
        parser_context = parser_context or {}
        encoding = parser_context.get("encoding", "utf-8")
        try:
            text = stream.read().decode(encoding)
            return json.loads(text, parse_float=float, parse_constant=float)
        except (ValueError, UnicodeDecodeError) as exc:
            raise exceptions.ParseError(f"JSON parse error - {exc}") from None


class ScopedAPIMixin:
    """THE base of every API view: authentication, policy, throttle, paging, errors, scope.

    `household_path` names the lookup from the view's model to its household ("" when the
    model is the household, None when the resource is not a household's: runs, swap lists).
    """

    authentication_classes = [TokenAuthentication, SessionAuthentication]
    permission_classes = [HouseholdPolicy]
    throttle_classes = [TokenRateThrottle]
    pagination_class = Pagination
    renderer_classes = [JSONRenderer]
    parser_classes = [parsers.JSONParser]
    schema = ApiSchema()
    household_path: str | None = "household"
    lookup_value_regex = r"[0-9]{1,18}"  # ids; longer numbers are a JSON 404, not an overflow

    def get_exception_handler(self):
        return exception_handler

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        self.check_role(request)

    def check_role(self, request) -> None:
        """Endpoint-wide policy (runs, swap lists, tokens): an `access.require_*` call, 403."""

    def get_queryset(self):
        return self.scope(super().get_queryset())

    def scope(self, queryset):
        if self.household_path is None:
            return queryset
        visible = access.visible_households(self.request.user).values("id")
        lookup = f"{self.household_path}__in" if self.household_path else "pk__in"
        return queryset.filter(**{lookup: visible})

    def household_of(self, obj):
        if self.household_path is None:
            return None
        for name in filter(None, self.household_path.split("__")):
            obj = getattr(obj, name)
        return obj


# --- households ------------------------------------------------------------------------------


class HouseholdViewSet(ScopedAPIMixin, viewsets.ReadOnlyModelViewSet):
    """Households the user may see: advisors their own, clients theirs, admins all."""

    household_path = ""
    queryset = Household.objects.select_related("advisor").order_by("name", "id")
    lookup_field = "key"
    lookup_value_regex = r"[A-Za-z0-9_-]+"
    filterset_class = HouseholdFilter

    def get_queryset(self):
        qs = super().get_queryset()
        if self.action == "retrieve":
            qs = qs.select_related("tax_profile").prefetch_related("members", "accounts")
        return qs

    def get_serializer_class(self):
        return HouseholdDetailSerializer if self.action == "retrieve" else HouseholdSerializer


# --- tokens ----------------------------------------------------------------------------------


class TokenView(ScopedAPIMixin, APIView):
    """Admins issue (POST, replacing any previous token) and revoke (DELETE) a user's token."""

    household_path = None
    serializer_class = TokenSerializer

    def check_role(self, request) -> None:
        access.require_token_admin(request.user)

    def _user(self, username: str):
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise Http404("No such user")
        return user

    @extend_schema(request=None, responses={201: TokenSerializer}, operation_id="tokens_issue")
    def post(self, request, username: str):
        user = self._user(username)
        token = services.token_issue(user=user, actor=request.user)
        data = {"username": user.username, "token": token.key, "created": token.created}
        return Response(TokenSerializer(data).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses={204: None}, operation_id="tokens_revoke")
    def delete(self, request, username: str):
        services.token_revoke(user=self._user(username), actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)

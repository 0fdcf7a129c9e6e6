"""Emulation records over REST, scoped like the pages; writes go through the same services."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import BaseRouter

from tuyengiao.core.exceptions import UserError
from tuyengiao.org.access import Scope

from . import services
from .models import Category, Commendation, Contest, Entry, Exemplar, JudgeAssignment, PracticeModel, Round


def _under(queryset: QuerySet[Any], name: str, value: Any) -> QuerySet[Any]:
    from tuyengiao.org.models import Unit

    unit = Unit.objects.filter(pk=value).first()
    return queryset.filter(unit__path__startswith=unit.path) if unit else queryset.none()


class PracticeModelSerializer(serializers.ModelSerializer[PracticeModel]):
    class Meta:
        model = PracticeModel
        fields = ["id", "unit", "name", "field", "started_on", "description", "status", "replicated_to",
                  "created_at", "updated_at"]


class ExemplarSerializer(serializers.ModelSerializer[Exemplar]):
    class Meta:
        model = Exemplar
        fields = ["id", "unit", "kind", "name", "achievement", "honoured_on", "event", "created_at", "updated_at"]


class CommendationSerializer(serializers.ModelSerializer[Commendation]):
    class Meta:
        model = Commendation
        fields = ["id", "unit", "form", "issuer", "recipient_unit", "recipient_name", "awarded_on", "reason",
                  "event", "created_at", "updated_at"]


class ContestSerializer(serializers.ModelSerializer[Contest]):
    locked = serializers.BooleanField(read_only=True)

    class Meta:
        model = Contest
        fields = ["id", "unit", "title", "year", "description", "tie_rule", "quota_a", "quota_b", "quota_c",
                  "quota_consolation", "prizes_confirmed_at", "published_at", "locked"]
        read_only_fields = ["prizes_confirmed_at", "published_at"]


class EntrySerializer(serializers.ModelSerializer[Entry]):
    category_name = serializers.CharField(source="category.name", read_only=True, default="")

    class Meta:
        model = Entry
        fields = ["id", "title", "authors", "author_unit", "category", "category_name", "received_on"]


class RoundSerializer(serializers.ModelSerializer[Round]):
    order = serializers.IntegerField(min_value=1, required=False)

    class Meta:
        model = Round
        fields = ["id", "name", "order", "closed_at"]
        read_only_fields = ["closed_at"]


class CategorySerializer(serializers.ModelSerializer[Category]):
    class Meta:
        model = Category
        fields = ["id", "name", "quota_a", "quota_b", "quota_c", "quota_consolation"]


def _user_error(exc: UserError) -> ValidationError:
    return ValidationError({exc.field or "detail": [exc.message]})


class RankedSerializer(serializers.Serializer[Any]):
    rank = serializers.IntegerField()
    entry = serializers.IntegerField(source="entry.pk")
    title = serializers.CharField(source="entry.title")
    authors = serializers.CharField(source="entry.authors")
    total = serializers.DecimalField(max_digits=10, decimal_places=2)
    prize = serializers.CharField(allow_blank=True)


class RecordFilter(filters.FilterSet):
    under = filters.NumberFilter(method="filter_under", label="only records of this unit and its subtree")

    def filter_under(self, queryset: QuerySet[Any], name: str, value: Any) -> QuerySet[Any]:
        return _under(queryset, name, value)


def _filter_for(model: type[Any], extra: list[str]) -> type[RecordFilter]:
    meta = type("Meta", (), {"model": model, "fields": ["unit", *extra]})
    return type(f"{model.__name__}Filter", (RecordFilter,), {"Meta": meta})


class RecordViewSet(viewsets.ModelViewSet[Any]):
    """A record of one unit; create, change and delete only with the data-entry role over that unit."""

    model: type[Any]
    http_method_names = ["get", "post", "put", "patch", "delete", "head", "options"]

    def get_queryset(self) -> QuerySet[Any]:
        return services.visible(self.request.user, self.model).select_related("unit").order_by("pk")

    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """The role is checked before the body, so a write without it answers 403 whatever it sends."""
        if not Scope.of(request.user).allows(self.get_object().unit, "enter"):
            raise PermissionDenied
        return super().update(request, *args, **kwargs)

    def _save(self, serializer: serializers.BaseSerializer[Any], record: Any) -> None:
        data = dict(serializer.validated_data)
        replicated = data.pop("replicated_to", None)
        for key, value in data.items():
            setattr(record, key, value)
        try:
            services.save_record(self.request.user, record, replicated_to=replicated)
        except UserError as exc:
            raise ValidationError({exc.field or "detail": [exc.message]}) from exc
        serializer.instance = record

    def perform_create(self, serializer: serializers.BaseSerializer[Any]) -> None:
        self._save(serializer, self.model())

    def perform_update(self, serializer: serializers.BaseSerializer[Any]) -> None:
        instance = serializer.instance
        if not Scope.of(self.request.user).allows(instance.unit, "enter"):  # type: ignore[union-attr]
            raise PermissionDenied
        self._save(serializer, instance)

    def perform_destroy(self, instance: Any) -> None:
        try:
            services.delete_record(self.request.user, instance)
        except UserError as exc:
            raise ValidationError({"detail": [exc.message]}) from exc


class PracticeModelViewSet(RecordViewSet):
    model = PracticeModel
    serializer_class = PracticeModelSerializer
    filterset_class = _filter_for(PracticeModel, ["status", "field"])


class ExemplarViewSet(RecordViewSet):
    model = Exemplar
    serializer_class = ExemplarSerializer
    filterset_class = _filter_for(Exemplar, ["kind"])


class CommendationViewSet(RecordViewSet):
    model = Commendation
    serializer_class = CommendationSerializer
    filterset_class = _filter_for(Commendation, ["form", "issuer"])


class ContestViewSet(RecordViewSet):
    model = Contest
    serializer_class = ContestSerializer
    filterset_class = _filter_for(Contest, ["year"])

    @extend_schema(responses=EntrySerializer(many=True))
    @action(detail=True, methods=["get"])
    def entries(self, request: Request, pk: str | None = None) -> Response:
        """The contest's entries (authors and units), for everyone who sees the contest; no scores."""
        contest = self.get_object()
        entries = contest.entries.select_related("category").order_by("received_on", "pk")
        return Response(EntrySerializer(entries, many=True).data)

    @extend_schema(request=RoundSerializer, responses=RoundSerializer(many=True))
    @action(detail=True, methods=["get", "post"])
    def rounds(self, request: Request, pk: str | None = None) -> Response:
        """The contest's rounds in order; the organiser adds one (refused once the results are locked)."""
        contest = self.get_object()
        if request.method == "POST":
            incoming = RoundSerializer(data=request.data)
            incoming.is_valid(raise_exception=True)
            try:
                services.add_round(request.user, contest, incoming.validated_data["name"],
                                   incoming.validated_data.get("order"))
            except UserError as exc:
                raise _user_error(exc) from exc
        return Response(RoundSerializer(contest.rounds.order_by("order", "pk"), many=True).data,
                        status=201 if request.method == "POST" else 200)

    @extend_schema(request=RoundSerializer, responses=RoundSerializer)
    @action(detail=True, methods=["patch", "delete"], url_path=r"rounds/(?P<round_pk>\d+)")
    def round_detail(self, request: Request, pk: str | None = None, round_pk: str | None = None) -> Response:
        """Rename or move a round, or remove it while no judge is assigned to it."""
        return self._change_part(
            request, self.get_object().rounds.filter(pk=round_pk).first(), RoundSerializer,
            lambda round_, data: services.edit_round(request.user, round_, data.get("name", round_.name),
                                                     data.get("order")),
            services.delete_round)

    @extend_schema(request=CategorySerializer, responses=CategorySerializer(many=True))
    @action(detail=True, methods=["get", "post"])
    def categories(self, request: Request, pk: str | None = None) -> Response:
        """The contest's categories and their prize quotas; the organiser adds one."""
        contest = self.get_object()
        if request.method == "POST":
            incoming = CategorySerializer(data=request.data)
            incoming.is_valid(raise_exception=True)
            try:
                services.add_category(request.user, contest, incoming.validated_data["name"],
                                      _quotas(incoming.validated_data))
            except UserError as exc:
                raise _user_error(exc) from exc
        return Response(CategorySerializer(contest.categories.order_by("pk"), many=True).data,
                        status=201 if request.method == "POST" else 200)

    @extend_schema(request=CategorySerializer, responses=CategorySerializer)
    @action(detail=True, methods=["patch", "delete"], url_path=r"categories/(?P<category_pk>\d+)")
    def category_detail(self, request: Request, pk: str | None = None, category_pk: str | None = None
                        ) -> Response:
        """Rename a category or change its quotas, or remove it while it has no entries."""
        def edit(category: Category, data: dict[str, Any]) -> Category:
            quotas = {grade: (data[f] if f in data else getattr(category, f))
                      for grade, f in services.QUOTA_FIELDS.items()}
            return services.edit_category(request.user, category, data.get("name", category.name), quotas)

        return self._change_part(request, self.get_object().categories.filter(pk=category_pk).first(),
                                 CategorySerializer, edit, services.delete_category)

    def _change_part(self, request: Request, part: Any, serializer_class: Any, edit: Any, delete: Any) -> Response:
        """PATCH or DELETE a round or category of the contest through its service (404 for another's)."""
        if part is None:
            raise NotFound
        try:
            if request.method == "DELETE":
                delete(request.user, part)
                return Response(status=204)
            incoming = serializer_class(part, data=request.data, partial=True)
            incoming.is_valid(raise_exception=True)
            part = edit(part, dict(incoming.validated_data))
        except UserError as exc:
            raise _user_error(exc) from exc
        return Response(serializer_class(part).data)

    @extend_schema(responses=RankedSerializer(many=True))
    @action(detail=True, methods=["get"])
    def results(self, request: Request, pk: str | None = None) -> Response:
        """The ranking and prizes: for everyone in scope once published, before that for the organiser."""
        contest = self.get_object()
        if not contest.locked and not Scope.of(request.user).allows(contest.unit, "enter"):
            raise PermissionDenied  # seen, but the results are the organiser's until published
        prizes = dict(contest.prizes.values_list("entry_id", "grade"))
        rows = [
            {"rank": r.rank, "entry": r.entry, "total": r.total, "prize": prizes.get(r.entry.pk, "")}
            for r in services.ranking(contest)
        ]
        return Response(RankedSerializer(rows, many=True).data)


def _quotas(data: dict[str, Any]) -> dict[str, Any]:
    return {grade: data.get(f) for grade, f in services.QUOTA_FIELDS.items()}


class ScoreInSerializer(serializers.Serializer[Any]):
    scores = serializers.DictField(child=serializers.CharField(), help_text="criterion id -> score")


class JudgeAssignmentSerializer(serializers.ModelSerializer[JudgeAssignment]):
    contest = serializers.IntegerField(source="round.contest_id", read_only=True)
    entry_title = serializers.CharField(source="entry.title", read_only=True)
    round_closed = serializers.BooleanField(source="round.closed", read_only=True)
    scores = serializers.SerializerMethodField()

    class Meta:
        model = JudgeAssignment
        fields = ["id", "contest", "round", "entry", "entry_title", "round_closed", "submitted_at", "scores"]

    def get_scores(self, obj: JudgeAssignment) -> dict[str, str]:
        return {str(s.criterion_id): str(s.value) for s in obj.scores.all()}


class JudgeAssignmentViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet[Any]):
    """A judge's own assignments and scores; nobody else's, whatever their role."""

    # a judge scores their own sheets: the service checks the assignment, not a role over the unit
    write_actions = {"scores": None}

    serializer_class = JudgeAssignmentSerializer

    def get_queryset(self) -> QuerySet[JudgeAssignment]:
        return services.judge_assignments(self.request.user).prefetch_related("scores").order_by("pk")

    @extend_schema(request=ScoreInSerializer, responses=JudgeAssignmentSerializer)
    @action(detail=True, methods=["post"])
    def scores(self, request: Request, pk: str | None = None) -> Response:
        assignment = self.get_object()
        incoming = ScoreInSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        try:
            values = {int(k): v for k, v in incoming.validated_data["scores"].items()}
        except ValueError as exc:
            raise ValidationError({"scores": ["criterion ids are numbers"]}) from exc
        try:
            services.submit_scores(request.user, assignment.round, assignment.entry, values)
        except UserError as exc:
            raise ValidationError({exc.field or "detail": [exc.message]}) from exc
        return Response(JudgeAssignmentSerializer(self.get_queryset().get(pk=assignment.pk)).data)


def register(router: BaseRouter) -> None:
    router.register("practiceModels", PracticeModelViewSet, basename="practice-model")
    router.register("exemplars", ExemplarViewSet, basename="exemplar")
    router.register("commendations", CommendationViewSet, basename="commendation")
    router.register("contests", ContestViewSet, basename="contest")
    router.register("judgeAssignments", JudgeAssignmentViewSet, basename="judge-assignment")

"""The handbook over REST for a native app: the same services as the pages, a member's own records only."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import BaseRouter

from tuyengiao.core.exceptions import UserError
from tuyengiao.documents.models import Document

from . import services
from .models import Attempt, Bookmark, Commitment, InboxItem, Meeting, Member, PointEntry, Quiz


def _member(request: Request) -> Member:
    return services.require_member(request.user)


def _schema(view: Any) -> bool:
    """The schema generator builds views without a signed-in member."""
    return bool(getattr(view, "swagger_fake_view", False))


def _refuse(exc: UserError) -> ValidationError:
    return ValidationError({exc.field or "detail": [exc.message]})


class LibraryDocumentSerializer(serializers.ModelSerializer[Document]):
    class Meta:
        model = Document
        fields = ["id", "kind", "symbol", "issued_on", "title", "summary", "body"]


class BookmarkSerializer(serializers.ModelSerializer[Bookmark]):
    class Meta:
        model = Bookmark
        fields = ["id", "document", "created_at"]
        read_only_fields = ["created_at"]


class MeetingSerializer(serializers.ModelSerializer[Meeting]):
    class Meta:
        model = Meeting
        fields = ["id", "unit", "kind", "title", "start", "venue", "agenda", "documents", "campaigns", "minutes"]


class ReplySerializer(serializers.Serializer[Any]):
    reply = serializers.ChoiceField(choices=["yes", "no"])
    reason = serializers.CharField(required=False, allow_blank=True, max_length=300)


class QuizSerializer(serializers.ModelSerializer[Quiz]):
    class Meta:
        model = Quiz
        fields = ["id", "title", "document", "campaign", "pass_mark", "max_attempts", "opens_at", "deadline"]


class AttemptSerializer(serializers.ModelSerializer[Attempt]):
    questions = serializers.SerializerMethodField()

    class Meta:
        model = Attempt
        fields = ["id", "quiz", "started_at", "submitted_at", "score", "passed", "by_secretary", "questions"]

    def get_questions(self, attempt: Attempt) -> list[dict[str, Any]]:
        return services.present_attempt(attempt) if attempt.submitted_at is None else []


class AnswersSerializer(serializers.Serializer[Any]):
    answers = serializers.DictField(child=serializers.ListField(child=serializers.IntegerField()))


class CommitmentSerializer(serializers.ModelSerializer[Commitment]):
    class Meta:
        model = Commitment
        fields = ["id", "year", "text", "mid_year", "year_end", "completed", "confirmed_at", "by_secretary"]
        read_only_fields = ["year", "mid_year", "year_end", "completed", "confirmed_at", "by_secretary"]


class AssessSerializer(serializers.Serializer[Any]):
    stage = serializers.ChoiceField(choices=["mid_year", "year_end"])
    text = serializers.CharField(max_length=3000)
    completed = serializers.BooleanField(required=False, allow_null=True, default=None)


class PointSerializer(serializers.ModelSerializer[PointEntry]):
    class Meta:
        model = PointEntry
        fields = ["id", "action", "points", "on"]


class InboxSerializer(serializers.ModelSerializer[InboxItem]):
    class Meta:
        model = InboxItem
        fields = ["id", "kind", "title", "url", "created_at", "read_at"]


@extend_schema(tags=["handbook"], parameters=[OpenApiParameter("q", str, description="Accent-insensitive search")])
class LibraryViewSet(viewsets.ReadOnlyModelViewSet[Document]):
    # a member's own reading, answers and replies: the services check the member, not a role
    write_actions = {"finished": None}
    serializer_class = LibraryDocumentSerializer

    def get_queryset(self) -> QuerySet[Document]:
        if _schema(self):
            return Document.objects.none()
        return services.library_search(_member(self.request), self.request.query_params.get("q", ""))

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        member = _member(request)
        document = services.get_document(request.user, member, int(kwargs["pk"]))
        services.open_document(member, document)
        return Response(LibraryDocumentSerializer(document).data)

    @extend_schema(request=None, responses={200: None})
    @action(detail=True, methods=["post"])
    def finished(self, request: Request, pk: str) -> Response:
        member = _member(request)
        document = services.get_document(request.user, member, int(pk))
        try:
            reading, award = services.record_reading(member, document, int(request.data.get("seconds", 0) or 0),
                                                     finished=True)
        except (UserError, ValueError) as exc:
            raise _refuse(exc if isinstance(exc, UserError) else UserError(str(exc))) from exc
        return Response({"finished": reading.finished_at is not None, "points": award.points if award else 0,
                         "message": award.message if award else ""})


@extend_schema(tags=["handbook"])
class BookmarkViewSet(mixins.ListModelMixin, mixins.CreateModelMixin, mixins.DestroyModelMixin,
                      viewsets.GenericViewSet[Bookmark]):
    # a member's own reading, answers and replies: the services check the member, not a role
    write_actions = {"create": None, "destroy": None}
    serializer_class = BookmarkSerializer

    def get_queryset(self) -> QuerySet[Bookmark]:
        if _schema(self):
            return Bookmark.objects.none()
        return Bookmark.objects.filter(member=_member(self.request))

    def perform_create(self, serializer: serializers.BaseSerializer[Any]) -> None:
        member = _member(self.request)
        document = services.get_document(self.request.user, member, serializer.validated_data["document"].pk)
        serializer.instance, _c = Bookmark.objects.get_or_create(member=member, document=document)


@extend_schema(tags=["handbook"])
class MeetingViewSet(viewsets.ReadOnlyModelViewSet[Meeting]):
    # a member's own reading, answers and replies: the services check the member, not a role
    write_actions = {"reply": None}
    serializer_class = MeetingSerializer

    def get_queryset(self) -> QuerySet[Meeting]:
        if _schema(self):
            return Meeting.objects.none()
        return services.visible_meetings(self.request.user)

    @extend_schema(request=ReplySerializer, responses={200: None})
    @action(detail=True, methods=["post"])
    def reply(self, request: Request, pk: str) -> Response:
        meeting = self.get_object()
        data = ReplySerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            services.reply_to_meeting(_member(request), meeting, data.validated_data["reply"],
                                      data.validated_data.get("reason", ""))
        except UserError as exc:
            raise _refuse(exc) from exc
        return Response({"reply": data.validated_data["reply"]})


@extend_schema(tags=["handbook"])
class QuizViewSet(viewsets.ReadOnlyModelViewSet[Quiz]):
    # a member's own reading, answers and replies: the services check the member, not a role
    write_actions = {"start": None}
    serializer_class = QuizSerializer

    def get_queryset(self) -> QuerySet[Quiz]:
        if _schema(self):
            return Quiz.objects.none()
        return services.quizzes_for(_member(self.request))

    @extend_schema(request=None, responses={201: AttemptSerializer})
    @action(detail=True, methods=["post"])
    def start(self, request: Request, pk: str) -> Response:
        try:
            attempt = services.start_attempt(_member(request), self.get_object())
        except UserError as exc:
            raise _refuse(exc) from exc
        return Response(AttemptSerializer(attempt).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=["handbook"])
class AttemptViewSet(viewsets.ReadOnlyModelViewSet[Attempt]):
    # a member's own reading, answers and replies: the services check the member, not a role
    write_actions = {"submit": None}
    serializer_class = AttemptSerializer

    def get_queryset(self) -> QuerySet[Attempt]:
        if _schema(self):
            return Attempt.objects.none()
        return Attempt.objects.filter(member=_member(self.request)).select_related("quiz")

    @extend_schema(request=AnswersSerializer, responses={200: AttemptSerializer})
    @action(detail=True, methods=["post"])
    def submit(self, request: Request, pk: str) -> Response:
        attempt = self.get_object()
        data = AnswersSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        answers = {}
        for key, value in data.validated_data["answers"].items():
            try:
                answers[int(key)] = list(value)
            except ValueError as exc:
                raise ValidationError({"answers": ["question ids are numbers"]}) from exc
        try:
            attempt, award = services.submit_attempt(_member(request), attempt, answers)
        except UserError as exc:
            raise _refuse(exc) from exc
        return Response(AttemptSerializer(attempt).data | {"message": award.message if award else ""})


@extend_schema(tags=["handbook"])
class CommitmentViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
                        viewsets.GenericViewSet[Commitment]):
    # a member's own reading, answers and replies: the services check the member, not a role
    write_actions = {"create": None, "assess": None}
    serializer_class = CommitmentSerializer

    def get_queryset(self) -> QuerySet[Commitment]:
        if _schema(self):
            return Commitment.objects.none()
        return Commitment.objects.filter(member=_member(self.request))

    def perform_create(self, serializer: serializers.BaseSerializer[Any]) -> None:
        try:
            serializer.instance, _award = services.register_commitment(
                _member(self.request), timezone.localdate().year, serializer.validated_data["text"])
        except UserError as exc:
            raise _refuse(exc) from exc

    @extend_schema(request=AssessSerializer, responses={200: CommitmentSerializer})
    @action(detail=True, methods=["post"])
    def assess(self, request: Request, pk: str) -> Response:
        commitment = self.get_object()
        data = AssessSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            services.self_assess(_member(request), commitment, data.validated_data["stage"],
                                 data.validated_data["text"], data.validated_data.get("completed"))
        except UserError as exc:
            raise _refuse(exc) from exc
        return Response(CommitmentSerializer(commitment).data)


@extend_schema(tags=["handbook"])
class PointViewSet(viewsets.ReadOnlyModelViewSet[PointEntry]):
    serializer_class = PointSerializer

    def get_queryset(self) -> QuerySet[PointEntry]:
        if _schema(self):
            return PointEntry.objects.none()
        return PointEntry.objects.filter(member=_member(self.request))


@extend_schema(tags=["handbook"])
class InboxViewSet(viewsets.ReadOnlyModelViewSet[InboxItem]):
    # a member's own reading, answers and replies: the services check the member, not a role
    write_actions = {"read": None}
    serializer_class = InboxSerializer

    def get_queryset(self) -> QuerySet[InboxItem]:
        if _schema(self):
            return InboxItem.objects.none()
        return InboxItem.objects.filter(member=_member(self.request))

    @extend_schema(request=None, responses={200: InboxSerializer})
    @action(detail=True, methods=["post"])
    def read(self, request: Request, pk: str) -> Response:
        item = self.get_object()
        services.mark_read(_member(request), item)
        return Response(InboxSerializer(item).data)

    @extend_schema(responses={200: None})
    @action(detail=False, methods=["get"])
    def unread(self, request: Request) -> Response:
        return Response({"unread": services.unread_count(_member(request))})


def register(router: BaseRouter) -> None:
    router.register("handbook/library", LibraryViewSet, basename="handbook-library")
    router.register("handbook/bookmarks", BookmarkViewSet, basename="handbook-bookmark")
    router.register("handbook/meetings", MeetingViewSet, basename="handbook-meeting")
    router.register("handbook/quizzes", QuizViewSet, basename="handbook-quiz")
    router.register("handbook/attempts", AttemptViewSet, basename="handbook-attempt")
    router.register("handbook/commitments", CommitmentViewSet, basename="handbook-commitment")
    router.register("handbook/points", PointViewSet, basename="handbook-point")
    router.register("handbook/inbox", InboxViewSet, basename="handbook-inbox")


__all__ = ["Http404", "register"]

"""The service plus a floor endpoint, for the HTTP benchmark only.

POST /floor/ parses the same JSON and validates it with the same marshmallow schema as
POST /v1/scores, then returns a full-size score answer without scoring: the cost of the request on
this stack. Served by gunicorn with the production config next to the real routes."""

from flask import Flask, Response, request
from marshmallow import ValidationError
from werkzeug.middleware.dispatcher import DispatcherMiddleware

from service.api.examples import SOCIAL_CREDIT_EN
from service.api.schemas import ProfileInSchema
from service.wsgi import app as service_app  # the production entry point, as gunicorn serves it

with service_app.test_client() as client:
    SCORE_BODY = client.post("/v1/scores", json=SOCIAL_CREDIT_EN).get_data()

floor = Flask("floor")
schema = ProfileInSchema()


@floor.post("/")
def validate_only():
    try:
        schema.load(request.get_json())
    except ValidationError as exc:
        return {"errors": exc.messages}, 422
    return Response(SCORE_BODY, mimetype="application/json")


app = DispatcherMiddleware(service_app, {"/floor": floor})

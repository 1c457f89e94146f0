from django.http import HttpResponse


def file_detail(request, pk):
    return HttpResponse("")
